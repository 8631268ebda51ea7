import { demoPatient, doseText, type MedicationUse, type Person } from '../../simulators/population';
import type { MedicationEntry, MedicationEntryKind } from '../kit/shapes';
import { mergeMedications } from './mergeMedications';

/**
 * The demo patients' medicines as each system records them, merged by the reconciliation rules, without the
 * network in between (the end-to-end test asks the same through the gateway): the population holds the
 * discrepancies the README describes.
 */
const source = (organisation: string, sector: string) => ({ sourceId: organisation, system: 'x', sector, organisation, recordId: null });

function entriesOf(person: Person): MedicationEntry[] {
  const of = (m: Pick<MedicationUse, 'atc' | 'name' | 'strength' | 'form' | 'dose'>, kind: MedicationEntryKind, org: string, sector: string, extra: Partial<MedicationEntry> = {}): MedicationEntry => ({
    atc: m.atc,
    name: m.name,
    strength: m.strength,
    form: m.form,
    dose: { amount: m.dose.amount, unit: m.dose.unit, timesPerDay: m.dose.timesPerDay, text: doseText(m) },
    status: 'ACTIVE',
    startDate: null,
    endDate: null,
    lastDispensed: null,
    note: null,
    kind,
    provenance: source(org, sector),
    ...extra,
  });
  const status = (m: MedicationUse) => ({ status: m.status === 'active' ? ('ACTIVE' as const) : ('STOPPED' as const), startDate: m.startDate, endDate: m.endDate });
  return [
    ...(person.gpRecord?.prescriptions ?? []).map((m) => of(m, 'GP_PRESCRIPTION', 'GP', 'GP', status(m))),
    // The hospital's FHIR statements carry no form; their schedule is structured (asNeeded, weekly timing).
    ...person.hospitalRecords.flatMap((h) => h.medications).map((m) => of({ ...m, form: null as unknown as string }, 'HOSPITAL_STATEMENT', 'Hospital', 'HOSPITAL', status(m))),
    ...(person.careRecord?.medications ?? []).map((m) => of(m, 'MUNICIPAL_CARE_LIST', 'Care', 'MUNICIPAL_CARE', status(m))),
    ...person.summaryRecord.dispensations.map((d) => of(d, 'NATIONAL_DISPENSATION', 'Kjernejournal', 'NATIONAL', { lastDispensed: d.dispensed })),
  ];
}

describe('the demo patients’ medication lists', () => {
  it('Ingrid Solheim: spironolactone, started at discharge and dispensed, is on neither the GP’s list nor home nursing’s', () => {
    const list = mergeMedications(entriesOf(demoPatient('homeCare')));
    const spironolactone = list.find((i) => i.atc === 'C03DA01');
    expect(spironolactone?.entries.map((e) => e.kind)).toEqual(['HOSPITAL_STATEMENT', 'NATIONAL_DISPENSATION']);
    expect(spironolactone?.discrepancies.map((d) => [d.kind, d.values[1]?.value])).toEqual([
      ['OMISSION', 'NOT_ON_GP_LIST'],
      ['OMISSION', 'NOT_ON_CARE_LIST'],
    ]);
    // The dose and status discrepancies the README already shows are still there, and nothing else is flagged.
    expect(list.find((i) => i.atc === 'C07AB02')?.discrepancies.map((d) => d.kind)).toEqual(['DOSE']);
    expect(list.find((i) => i.atc === 'M01AE01')?.discrepancies.map((d) => d.kind)).toEqual(['STATUS']);
    expect(list.filter((i) => i.hasDiscrepancy).map((i) => i.atc).sort()).toEqual(['C03DA01', 'C07AB02', 'M01AE01']);
  });

  it('Kjell Aune: weekly alendronate that the nursing home lists as daily', () => {
    const list = mergeMedications(entriesOf(demoPatient('nursingHome')));
    const alendronate = list.find((i) => i.atc === 'M05BA04');
    expect(alendronate?.discrepancies).toEqual([expect.objectContaining({ kind: 'SCHEDULE', values: [expect.objectContaining({ value: 'once a week' }), expect.objectContaining({ value: 'every day' })] })]);
    expect(list.filter((i) => i.hasDiscrepancy).map((i) => i.atc)).toEqual(['M05BA04']);
  });

  it('Thea Lunde: her reliever and triptan are as needed everywhere, so nothing is flagged', () => {
    const list = mergeMedications(entriesOf(demoPatient('young')));
    const sumatriptan = list.find((i) => i.atc === 'N02CC01');
    expect(sumatriptan?.entries.length).toBeGreaterThan(1);
    for (const e of sumatriptan?.entries ?? []) expect(e.dose?.text).toMatch(/ved behov/);
    expect(list.some((i) => i.hasDiscrepancy)).toBe(false);
  });

  it('say each discrepancy to the patient in plain Norwegian, with what to do, naming services as she knows them', () => {
    const list = mergeMedications(entriesOf(demoPatient('homeCare')));
    const words = (atc: string) => list.find((i) => i.atc === atc)?.discrepancies.map((d) => d.forPatient) ?? [];
    expect(words('C03DA01')).toEqual([
      'Spironolakton står ikke på fastlegens liste over medisinene dine, men sykehuset og apoteket har den i bruk. Fastlegens liste er den de andre som hjelper deg ser på. Be fastlegen føre den opp, eller si fra hvis du har sluttet med den.',
      'Sykehuset har skrevet ut Spironolakton til deg, men den står ikke på listen hjemmetjenesten gir deg medisiner fra. Hvis det er hjemmetjenesten som gir deg medisinene, får du den kanskje ikke nå. Snakk med hjemmetjenesten eller fastlegen så snart du kan.',
    ]);
    expect(words('C07AB02')[0]).toMatch(/^Dosen av Metoprolol er ikke lik overalt: fastlegen og apoteket har 50 mg om dagen, mens sykehuset og hjemmetjenesten i kommunen har 25 mg om dagen\. Sykehuset endret dosen da du var der, men fastlegens liste har fortsatt den gamle\. Spør fastlegen/);
    expect(words('M01AE01')[0]).toMatch(/^Sykehuset og hjemmetjenesten i kommunen har stoppet Ibuprofen, men fastlegen har den fortsatt i bruk, og den er hentet på apoteket etter at den ble stoppet\. Spør fastlegen/);
    // No system, organisation or English in what the patient reads.
    for (const text of list.flatMap((i) => i.discrepancies.map((d) => d.forPatient ?? ''))) expect(text).not.toMatch(/Haukeland|Nordlys|legekontor|Bergen|GP_|HOSPITAL|dispensed|daily/);
  });

  it('tell Kjell Aune what a weekly tablet given daily means', () => {
    const list = mergeMedications(entriesOf(demoPatient('nursingHome')));
    expect(list.find((i) => i.atc === 'M05BA04')?.discrepancies[0]?.forPatient).toMatch(/én gang i uken.*hver dag.*7 ganger så mye\. Ikke ta den oftere/);
  });
});
