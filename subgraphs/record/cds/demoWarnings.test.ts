import { demoPatient, getPopulation, getPopulationIndex } from '../../../simulators/population';
import { clinicalWarnings } from './clinicalWarnings';
import { demoInput } from './demoInput';
import type { WarningKind } from './types';

/**
 * The engine over the synthetic population, built straight from what each simulated system records (demoInput.ts):
 * every warning kind has its demo case (DEMO.md), and the population's count per kind is known.
 */
const warningsOf = (nin: string) => clinicalWarnings(demoInput(getPopulationIndex().byNin.get(nin)!));
const summary = (nin: string) => warningsOf(nin).map((w) => [w.severity, w.ruleId, w.medications.join('+')]);

describe('the demo cases of DEMO.md', () => {
  it('Egil Rønning: aspirin against his NSAID allergy (both sources named), warfarin with aspirin, and two beta-blockers', () => {
    const egil = demoPatient('criticalInfo');
    const ws = warningsOf(egil.nin);
    expect(summary(egil.nin)).toEqual([
      ['HIGH', 'CDS-ALLERGY', 'B01AC06'],
      ['MODERATE', 'CDS-INTERACTION-VKA-ASA', 'B01AA03+B01AC06'],
      ['MODERATE', 'CDS-DUPLICATION', 'C07AB02+C07AB07'],
    ]);
    const allergy = ws[0]!;
    expect(allergy.evidence.map((e) => e.provenance?.organisation)).toEqual(['Kjernejournal', expect.stringMatching(/legekontor|legesenter/), expect.stringMatching(/apotek/i)]);
    expect(allergy.evidence[0]).toMatchObject({ value: 'Bronkospasme, SEVERE' });
    expect(ws[2]?.evidence.map((e) => e.provenance?.sector)).toEqual(expect.arrayContaining(['GP', 'HOSPITAL']));
  });

  it('Olav Myhre: four active medicines after his death in August', () => {
    const olav = demoPatient('deceased');
    expect(olav.deceasedDate).toMatch(/^2026-08-/);
    expect(summary(olav.nin)).toEqual([['MODERATE', 'CDS-DECEASED', 'C03CA01+C07AB02+R03AC02+R03AK06']]);
  });

  it('Ingrid Solheim (86): warfarin with ibuprofen, ramipril with spironolactone, and NORGEP’s triple whammy', () => {
    expect(summary(demoPatient('homeCare').nin)).toEqual([
      ['HIGH', 'CDS-INTERACTION-VKA-NSAID', 'B01AA03+M01AE01'],
      ['HIGH', 'CDS-NORGEP-10', 'B01AA03+M01AE01'],
      ['HIGH', 'CDS-NORGEP-14', 'M01AE01+C09AA05+C03CA01+C03DA01'],
      ['MODERATE', 'CDS-INTERACTION-RAAS-NSAID', 'C09AA05+M01AE01'],
      ['MODERATE', 'CDS-INTERACTION-RAAS-POTASSIUMSPARING', 'C09AA05+C03DA01'],
      ['MODERATE', 'CDS-NORGEP-12', 'M01AE01+C09AA05'],
      ['MODERATE', 'CDS-NORGEP-13', 'M01AE01+C03CA01+C03DA01'],
    ]);
  });

  it('Kjell Aune (nursing home): NORGEP-NH for his daily zopiclone and donepezil; donepezil with metoprolol', () => {
    expect(summary(demoPatient('nursingHome').nin)).toEqual([
      ['MODERATE', 'CDS-INTERACTION-ACHEI-BETABLOCKER', 'N06DA02+C07AB02'],
      ['LOW', 'CDS-NORGEPNH-9', 'N05CF01'],
      ['LOW', 'CDS-NORGEPNH-11', 'N06DA02'],
    ]);
  });

  it('Sigrid Nguyen (96, not a demo persona): metformin with eGFR 26 from her latest creatinine, 20 months old', () => {
    const ws = warningsOf('13863033033');
    expect(ws.map((w) => [w.severity, w.ruleId])).toEqual([['HIGH', 'CDS-RENAL-A10BA02']]);
    expect(ws[0]?.evidence[0]).toMatchObject({ value: '154 umol/L', date: '2025-02-18T08:59:00Z' });
    expect(ws[0]?.detail).toMatch(/days old/);
  });

  it('every kind has a case in the population; counts per kind', () => {
    const counts: Partial<Record<WarningKind, number>> = {};
    for (const p of getPopulation().persons) for (const w of clinicalWarnings(demoInput(p))) counts[w.kind] = (counts[w.kind] ?? 0) + 1;
    expect(Object.keys(counts).sort()).toEqual(['ALLERGY', 'DECEASED', 'DUPLICATION', 'INTERACTION', 'NORGEP', 'NORGEP_NH', 'RENAL']);
  });
});
