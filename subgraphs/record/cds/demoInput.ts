import { loadOrganisations } from '../../../lib/config';
import { labResultsFor } from '../../../simulators/lab-hl7/results';
import { doseText, REFERENCE_DATE, type MedicationUse, type Person } from '../../../simulators/population';
import type { Provenance } from '../../kit/provenance';
import { withSchedule, type MedicationEntry, type MedicationEntryKind } from '../../kit/shapes';
import { mergeMedications } from '../mergeMedications';
import type { ClinicalWarningsInput, MissingSource } from './types';

/**
 * The engine's input built straight from the synthetic population, as each system records the person, without the
 * network and the subgraphs in between (for the demo tests and for counting warnings over the population). The
 * record subgraph builds the same input from the sector subgraphs' answers; this is only its stand-in.
 */

const orgs = loadOrganisations();

function source(sourceId: string, sector: string, organisation: string, recordId: string | null = null): Provenance {
  return { sourceId, system: sourceId, sector, organisation, recordId };
}

function entry(m: MedicationUse, kind: MedicationEntryKind, provenance: Provenance): MedicationEntry {
  return {
    atc: m.atc,
    name: m.name,
    strength: m.strength,
    form: m.form,
    dose: withSchedule({ amount: m.dose.amount, unit: m.dose.unit, timesPerDay: m.dose.timesPerDay, intervalDays: m.dose.intervalDays ?? null, asNeeded: m.dose.asNeeded ?? null, text: doseText(m) }),
    status: m.status === 'active' ? 'ACTIVE' : 'STOPPED',
    startDate: m.startDate,
    endDate: m.endDate,
    lastDispensed: null,
    note: m.note,
    kind,
    provenance: { ...provenance, recordId: m.id },
  };
}

export function demoInput(person: Person, options: { today?: string; missingSources?: MissingSource[] } = {}): ClinicalWarningsInput {
  const office = orgs.gpOffices.find((o) => o.herId === person.gp?.officeHerId);
  const gp = source('gp', 'GP', office?.name ?? 'Fastlegekontor');
  const municipality = orgs.municipalities.find((m) => m.number === person.municipality);
  const care = source('care', 'MUNICIPAL_CARE', `${municipality?.name ?? 'Ukjent'} kommune`);
  const kj = source('summary-record', 'NATIONAL', 'Kjernejournal');
  const register = source('population-register', 'REGISTRY', 'Folkeregisteret');
  const hospitalSource = (orgNumber: string) => source('hospital', 'HOSPITAL', orgs.hospitals.find((h) => h.orgNumber === orgNumber)?.name ?? orgNumber);
  const entries: MedicationEntry[] = [
    ...(person.gpRecord?.prescriptions ?? []).map((m) => entry(m, 'GP_PRESCRIPTION', gp)),
    ...person.hospitalRecords.flatMap((h) => h.medications.map((m) => entry(m, 'HOSPITAL_STATEMENT', hospitalSource(h.orgNumber)))),
    ...(person.careRecord?.medications ?? []).map((m) => entry(m, 'MUNICIPAL_CARE_LIST', care)),
    ...person.summaryRecord.dispensations.map((d) => ({
      ...entry({ ...d, status: 'active', startDate: d.dispensed, endDate: null, note: null, hprNumber: d.prescriberHpr }, 'NATIONAL_DISPENSATION', { ...kj, organisation: d.pharmacy }),
      startDate: null,
      lastDispensed: d.dispensed,
    })),
  ];
  // Kjernejournal lists each dispensation; the GP's list holds the patient when it holds any medicine.
  const medications = mergeMedications(entries);
  const lab = source('lab-hl7', 'HOSPITAL', 'Laboratoriet');
  return {
    today: options.today ?? REFERENCE_DATE,
    medications,
    criticalInformation: person.summaryRecord.criticalInfo.map((c) => ({
      id: c.id,
      type: c.type,
      text: c.text,
      atc: c.atc,
      reaction: c.reaction,
      severity: c.severity ? (c.severity.toUpperCase() as 'MILD' | 'MODERATE' | 'SEVERE') : null,
      recorded: c.recorded,
      verified: c.verified,
      recordedByHpr: c.recordedBy,
      provenance: { ...kj, recordId: c.id },
    })),
    labResults: [
      ...person.hospitalRecords.flatMap((h) =>
        h.labs.map((l) => ({ id: l.id, time: l.time, code: { system: 'urn:oid:2.16.578.1.12.4.1.1.7280', code: l.code, display: l.text }, value: l.value, unit: l.unit, provenance: { ...hospitalSource(h.orgNumber), recordId: l.id } })),
      ),
      ...labResultsFor(person).map((l) => ({
        id: `${l.orderId}:${l.code}`,
        time: `${l.taken}:00Z`,
        code: { system: 'urn:oid:2.16.578.1.12.4.1.1.7280', code: l.code, display: l.text },
        value: l.value,
        unit: l.unit,
        provenance: { ...lab, recordId: l.orderId },
      })),
    ],
    person: { birthDate: person.birthDate, sex: person.sex === 'female' ? 'FEMALE' : 'MALE', deceasedDate: person.deceasedDate, provenance: register },
    careServices: (person.careRecord?.services ?? []).map((s) => ({ id: s.id, type: s.type, description: null, start: s.start, end: s.end, provenance: { ...care, recordId: s.id } })),
    missingSources: options.missingSources ?? [],
  };
}
