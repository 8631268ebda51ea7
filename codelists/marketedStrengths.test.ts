import { loadOrganisations } from '../lib/config';
import { includedResources } from '../simulators/hospital-fhir/resources';
import { DRUGS, getPopulation } from '../simulators/population';
import { dispensedMedication } from '../simulators/summary-record/projection';
import table from './marketed-strengths.json';
import { marketedStrengthProblem, MARKETED_STRENGTHS } from './marketedStrengths';

/**
 * Every strength every simulated source records (the GP's prescriptions, the hospitals' discharge lists, the
 * municipal care lists and Kjernejournal's dispensations, as the population holds them and as the FHIR and
 * Kjernejournal simulators write them) is a strength marketed in Norway for its ATC code and form, per
 * codelists/marketed-strengths.json. A dose reduction that halves a strength (metformin 250 mg, donepezil
 * 2.5 mg, zopiclone 2.5 mg: none is made) fails here.
 */
const population = getPopulation();
const orgs = loadOrganisations();

describe('the marketed-strengths table', () => {
  it('names its source, and a source for every form of every substance, with ATC codes of the ATC list', () => {
    expect(table.source.url).toMatch(/^https:\/\//);
    expect(table.source.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const e of table.entries) {
      expect(e.code).toMatch(/^[A-Z]\d{2}[A-Z]{2}\d{2}$/);
      for (const f of e.forms) {
        expect([e.code, f.form, f.source]).toEqual([e.code, f.form, expect.stringMatching(/^https:\/\//)]);
        expect(f.strengths.length).toBeGreaterThan(0);
      }
    }
    // Every medicine the population prescribes is in it.
    for (const d of Object.values(DRUGS)) expect([d.atc, MARKETED_STRENGTHS.has(d.atc)]).toEqual([d.atc, true]);
  });

  it('refuses strengths nobody makes', () => {
    expect(marketedStrengthProblem('A10BA02', 'tablett', '250 mg')).toMatch(/not marketed in 250 mg/);
    expect(marketedStrengthProblem('N06DA02', 'tablett, filmdrasjert', '2,5 mg')).toMatch(/not marketed/);
    expect(marketedStrengthProblem('N05CF01', 'tablett', '2,5 mg')).toMatch(/not marketed/);
    expect(marketedStrengthProblem('C07AB02', 'tablett', '50 mg')).toMatch(/not marketed as tablett/);
    expect(marketedStrengthProblem('C07AB02', 'depottablett', '25 mg')).toBeNull();
  });
});

describe('every strength in every source', () => {
  it('is marketed in Norway, in the population’s records of every system', () => {
    const wrong = new Set<string>();
    let count = 0;
    for (const p of population.persons) {
      const uses = [
        ...(p.gpRecord?.prescriptions ?? []).map((m) => ['GP', m] as const),
        ...p.hospitalRecords.flatMap((h) => h.medications).map((m) => ['hospital', m] as const),
        ...(p.careRecord?.medications ?? []).map((m) => ['care', m] as const),
        ...p.summaryRecord.dispensations.map((m) => ['dispensed', m] as const),
      ];
      for (const [where, m] of uses) {
        count += 1;
        const problem = marketedStrengthProblem(m.atc, m.form, m.strength);
        if (problem) wrong.add(`${where}: ${problem}`);
      }
    }
    expect(count).toBeGreaterThan(1000);
    expect([...wrong]).toEqual([]);
  });

  it('is marketed as the hospitals’ FHIR statements and Kjernejournal’s dispensations write it', () => {
    const practitioners = new Map(population.practitioners.map((p) => [p.hprNumber, p]));
    const wrong = new Set<string>();
    for (const p of population.persons) {
      for (const record of p.hospitalRecords) {
        const hospital = orgs.hospitals.find((h) => h.orgNumber === record.orgNumber);
        const ctx = { hospital: { orgNumber: record.orgNumber, name: hospital?.name ?? '' }, practitioners };
        for (const [i, statement] of includedResources(record, ctx).MedicationStatement.entries()) {
          const m = record.medications[i];
          const concept = statement.medicationCodeableConcept as { text: string; coding: { code: string; display: string }[] };
          // DIPS writes "<name> <strength>".
          const strength = concept.text.slice(`${concept.coding[0]?.display ?? ''} `.length);
          const problem = m ? marketedStrengthProblem(concept.coding[0]?.code ?? '', m.form, strength) : 'no record';
          if (problem) wrong.add(`FHIR: ${problem}`);
        }
      }
      for (const d of p.summaryRecord.dispensations) {
        const out = dispensedMedication(d) as { atc: string; styrke: string; legemiddelform: string };
        const problem = marketedStrengthProblem(out.atc, out.legemiddelform, out.styrke);
        if (problem) wrong.add(`Kjernejournal: ${problem}`);
      }
    }
    expect([...wrong]).toEqual([]);
  });
});
