import { entry } from '../../codelists';
import type { Organisations } from '../../lib/config';
import { REFERENCE_DATE, type Person } from '../population';

/** One analysis as the laboratory holds it. */
export interface LabAnalysis {
  code: string;
  text: string;
  value: number;
  unit: string;
  low: number;
  high: number;
  /** Below, above or within the reference interval; within is sent as an empty OBX-8 (`answer.ts`). */
  flag: 'L' | 'H' | 'N';
  /** When the sample was taken, Norwegian wall-clock time (yyyy-mm-ddTHH:mm). */
  taken: string;
  orderedByHpr: string | null;
  orderId: string;
}

/**
 * What the medical laboratory has analysed for a patient, derived from what the population's GPs follow up
 * (and nothing random: the same person always has the same results): HbA1c for metformin, INR for warfarin
 * (a target of 2-3 lies above the reference interval, so it is flagged H), creatinine and potassium for ACE
 * inhibitors and diuretics, NT-proBNP for furosemide, TSH for levothyroxine, LDL cholesterol for statins, and
 * CRP for everyone over 60 under a GP. Codes, texts, units and reference intervals come from codelists/nlk.json.
 */
const BY_ATC: Record<string, string[]> = {
  A10BA02: ['NPU27300'],
  B01AA03: ['NPU01685'],
  C09AA05: ['NPU04998', 'NPU03230'],
  C03CA01: ['NPU04998', 'NPU03230', 'NPU21571'],
  H03AA01: ['NPU03577'],
  C10AA05: ['NPU01568'],
};

/** A number from 0 to 1 that depends only on the text (FNV-1a). */
function unit(text: string): number {
  let hash = 0x811c9dc5;
  for (const c of text) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return hash / 0xffffffff;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function labResultsFor(person: Person): LabAnalysis[] {
  const gp = person.gpRecord;
  if (!gp || person.deceasedDate) return [];
  const codes = new Set<string>();
  for (const p of gp.prescriptions) if (p.status === 'active') for (const c of BY_ATC[p.atc] ?? []) codes.add(c);
  const age = Number(REFERENCE_DATE.slice(0, 4)) - Number(person.birthDate.slice(0, 4));
  if (age > 60) codes.add('NPU19748');
  // One sample, taken at the GP office some weeks before the reference date, in the morning.
  const day = addDays(REFERENCE_DATE, -7 - Math.floor(unit(`${person.nin}:day`) * 40));
  const taken = `${day}T0${7 + Math.floor(unit(`${person.nin}:hour`) * 3)}:${String(Math.floor(unit(`${person.nin}:min`) * 60)).padStart(2, '0')}`;
  const orderId = `LAB${day.replace(/-/g, '')}${Math.floor(unit(person.nin) * 1e5).toString().padStart(5, '0')}`;
  return [...codes].sort().map((code) => {
    const e = entry('nlk', code);
    const span = e.referenceHigh - e.referenceLow;
    // INR on warfarin sits in its target (2-3); otherwise mostly within the interval, sometimes just outside.
    const value = code === 'NPU01685' ? 2 + unit(`${person.nin}:${code}`) : e.referenceLow + span * (unit(`${person.nin}:${code}`) * 1.3 - 0.1);
    const rounded = Math.round(value * (span < 5 ? 10 : 1)) / (span < 5 ? 10 : 1);
    return {
      code,
      text: e.shortName,
      value: rounded,
      unit: e.unit,
      low: e.referenceLow,
      high: e.referenceHigh,
      flag: rounded < e.referenceLow ? 'L' : rounded > e.referenceHigh ? 'H' : 'N',
      taken,
      orderedByHpr: person.gp?.hprNumber ?? null,
      orderId,
    };
  });
}

/** The municipalities whose patients' samples this laboratory analyses: those of the hospitals it serves. */
export function servedMunicipalities(orgs: Organisations, instanceId: string): Set<string> {
  const hospitals = new Set(orgs.hospitals.filter((h) => h.laboratoryInstance === instanceId).map((h) => h.orgNumber));
  return new Set(orgs.municipalities.filter((m) => m.hospitals.some((h) => hospitals.has(h))).map((m) => m.number));
}
