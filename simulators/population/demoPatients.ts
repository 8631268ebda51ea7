import { loadOrganisations } from '../../lib/config';
import { fromRoot } from '../../lib/repositoryRoot';
import { ageOn } from './random';
import { REFERENCE_DATE } from './generate';
import type { DemoKey, Population } from './types';

/** What each demo patient is for: the README and demo-patients.json list these. */
export const DEMO_DESCRIPTIONS: Record<DemoKey, string> = {
  homeCare:
    'Home nursing in Bergen (JSON care system), safety alarm and medication dispenser; GP on Nordlys Journal; heart-failure stay at Haukeland; penicillin allergy; a medication list with all three kinds of trouble reconciliation looks for: spironolactone started at discharge and dispensed, but on neither the GP\'s list nor home nursing\'s (two omissions), a dose discrepancy (metoprolol) and a status discrepancy (ibuprofen stopped at the hospital, still prescribed and dispensed). Data from all five kinds of system.',
  nursingHome:
    'Nursing home in Trondheim (PLO XML care system), dementia; GP on Fjord EPJ; hip fracture at St. Olavs; hip prosthesis in the summary record; weekly alendronate 70 mg after the fracture, which the nursing home\'s list has as daily (a schedule discrepancy: seven times the dose).',
  askoyHomeCare: 'Home nursing in Askøy (a second JSON care instance); GP on Fjord EPJ; pneumonia at Haukeland; metformin dose discrepancy.',
  strictlyConfidential:
    'Strictly confidential address (strengt fortrolig): address and municipality are released to no one, and her GP office only to its own staff (persona gp-midtbyen), yet her GP record is still routed.',
  deceased: 'Died 79 days before the reference date: death in the timeline, care services ended.',
  dNumber: 'A D-number (temporary number) holder with a GP and little else.',
  blockedDocument:
    'Two outpatient notes at Haukeland; she has blocked the psychiatric one for everyone outside Haukeland (sperring: listed without title, text, author or encounter), and it is withheld from her own access; she has blocked one Haukeland surgeon by name (persona blocked-practitioner).',
  criticalInfo: 'Severe NSAID and contrast allergies and a mechanical heart valve in the summary record; myocardial infarction at St. Olavs; warfarin.',
  young:
    'A healthy 24-year-old: GP consultations for asthma and migraine, nothing else; her salbutamol inhaler and sumatriptan are taken as needed (ved behov), and every source says so.',
  moved:
    'Moved from Trondheim to Bergen 14 months before the reference date: home nursing in Trondheim (PLO care system) and her GP at Lade legekontor until the move, a heart-failure stay at St. Olavs the year before it; home nursing in Bergen (JSON care system) and a GP at Nordnes legekontor since. Her Trondheim records follow her, each labelled with its period (earlierCareRecords, earlierGpRecords; period in provenance and sources): the Bergen home-care nurse (persona home-care-nurse) and her GP (persona gp) read both municipalities\' records.',
  individualPlan:
    "Followed up by Bergen's mental health service after a depression (Helsetjenester i hjemmet, a weekly conversation); GP at Nordnes legekontor. His individual plan (kept by the coordinating unit in the JSON care system) has goals for work, sleep and leisure, NAV Bergenhus's work assessment among its measures, the next meeting in 12 days, and his consent to share the plan with NAV Bergenhus: persona nav-counsellor (a NAV counsellor there) reads the plan and nothing else, logged in his access log; home-care-nurse and gp read it as health personnel.",
  child:
    "An 8-year-old with asthma (a salbutamol inhaler, taken as needed) and two ear infections, at Nordnes legekontor. His mother Marte Haugland (persona citizen-parent) has parental responsibility and reads his record for him.",
  teen:
    "A 14-year-old at Nordnes legekontor with ordinary consultations, and one she has kept from her parents (pbrl § 3-4): contraceptive counselling, the contraceptive pill prescribed then and its dispensations, each marked in the GP record and the national dispensations. Her mother (persona citizen-parent) reads her record without them; her GP (persona gp) sees them all.",
  parent:
    "Mother of Emil and Ida Haugland, with parental responsibility for both in the population register (persona citizen-parent): reads her 8-year-old's whole record, and her 14-year-old's without what the girl kept from her parents.",
  representative:
    "Ingrid Solheim's daughter, holding her mother's power of attorney in the representation register to read her record and send messages, but not to set or lift blocks. Ingrid's earlier grant to someone else has ended.",
  changedGp:
    'Changed GP 9 months before the reference date, from Sandviken legesenter to Nordnes legekontor (persona gp), both on the same Nordlys Journal instance: the earlier office\'s record (consultations and prescriptions until the change) is read beside today\'s, labelled with its period.',
};

export interface DemoPatientEntry {
  key: DemoKey;
  nin: string;
  name: string;
  age: number;
  municipality: string | null;
  shows: string;
}

export function demoPatientList(population: Population): DemoPatientEntry[] {
  const municipalities = new Map(loadOrganisations().municipalities.map((m) => [m.number, m.name]));
  return population.persons
    .filter((p) => p.demo !== null)
    .map((p) => ({
      key: p.demo as DemoKey,
      nin: p.nin,
      name: `${p.givenName} ${p.familyName}`,
      age: ageOn(p.birthDate, p.deceasedDate ?? REFERENCE_DATE),
      municipality: p.municipality ? (municipalities.get(p.municipality) ?? p.municipality) : null,
      shows: DEMO_DESCRIPTIONS[p.demo as DemoKey],
    }));
}

export const DEMO_PATIENTS_FILE = fromRoot('simulators', 'population', 'demo-patients.json');

export function renderDemoPatientsFile(population: Population): string {
  return `${JSON.stringify({ seed: population.seed, referenceDate: population.referenceDate, patients: demoPatientList(population) }, null, 2)}\n`;
}
