import type { PurposeOfUse } from '../../lib/purposeOfUse';
import demoPatients from '../../simulators/population/demo-patients.json';

/**
 * The demo personas of the development identity provider: real people of the synthetic world (their HPR
 * numbers are in the practitioner register, their organisations in config/organisations.json), each with a
 * relation to the demo patients that shows one access rule. `npm run token -- <name>` prints a token for
 * one; the playground's persona picker uses the same list. A test checks every persona against the
 * population, so this table cannot drift from the data it describes.
 *
 * Personal identity numbers of personnel are synthetic numbers that belong to no one in the population.
 */
export interface PersonnelPersona {
  name: string;
  kind: 'PERSONNEL';
  displayName: string;
  /** What the persona is for, in one line (shown by `--list` and in the playground). */
  shows: string;
  pid: string;
  hprNumber: string | null;
  profession: string | null;
  orgNumber: string;
  organisation: string;
  childOrgNumber?: string;
  herId?: string;
  purpose: Exclude<PurposeOfUse, 'PATRQT'>;
  /** The purpose-of-use details: the reason stated for emergency access (ETREAT), or the approval for research (HRESCH). */
  emergencyReason?: string;
}

export interface CitizenPersona {
  name: string;
  kind: 'CITIZEN';
  displayName: string;
  shows: string;
  pid: string;
  /** The person she acts for by default (the token's `represents`); absent: herself. */
  represents?: string;
}

export type Persona = PersonnelPersona | CitizenPersona;

export const PERSONAS: readonly Persona[] = [
  {
    name: 'gp',
    kind: 'PERSONNEL',
    displayName: 'Siri Kristoffersen, GP at Nordnes legekontor',
    shows: "Ingrid Solheim's regular GP (care relationship through the GP list): her whole record",
    pid: '12848310016',
    hprNumber: '9217889',
    profession: 'LE',
    orgNumber: '923456783',
    organisation: 'Nordnes legekontor',
    herId: '81241',
    purpose: 'TREAT',
  },
  {
    name: 'home-care-nurse',
    kind: 'PERSONNEL',
    displayName: 'Line Knutsen, nurse in home nursing, Bergen kommune',
    shows: 'Bergen home nursing: Ingrid Solheim receives an active service (care relationship through the municipality)',
    pid: '03897910011',
    hprNumber: '9757146',
    profession: 'SP',
    orgNumber: '964338531',
    herId: '81302',
    organisation: 'Bergen kommune',
    purpose: 'TREAT',
  },
  {
    name: 'nursing-home-doctor',
    kind: 'PERSONNEL',
    displayName: 'Kari Holm, nursing-home doctor, Trondheim kommune',
    shows: 'Doctor at the nursing home where Kjell Aune lives (long-term stay: care relationship through the municipality)',
    pid: '21827810034',
    hprNumber: '1978050',
    profession: 'LE',
    orgNumber: '942110464',
    herId: '82311',
    organisation: 'Trondheim kommune',
    purpose: 'TREAT',
  },
  {
    name: 'hospital-doctor',
    kind: 'PERSONNEL',
    displayName: 'Martin Aasen, cardiologist at Haukeland universitetssjukehus',
    shows: "Haukeland: Ingrid Solheim and Hilde Tveit have active episodes of care there; sees Hilde's blocked note (the block lets Haukeland read it)",
    pid: '30917510071',
    hprNumber: '5636150',
    profession: 'LE',
    orgNumber: '983974724',
    herId: '90001',
    organisation: 'Haukeland universitetssjukehus',
    purpose: 'TREAT',
  },
  {
    name: 'emergency-physician',
    kind: 'PERSONNEL',
    displayName: 'Anders Rasmussen, emergency department, St. Olavs hospital',
    shows: 'No care relationship with any demo patient: reads by emergency access (ETREAT, reason stated), logged and shown to the patient',
    pid: '17868110120',
    hprNumber: '9894367',
    profession: 'LE',
    orgNumber: '974557746',
    organisation: 'St. Olavs hospital',
    purpose: 'ETREAT',
    emergencyReason: 'Pasienten er brakt inn bevisstløs til akuttmottaket (unconscious patient in the emergency department)',
  },
  {
    name: 'blocked-practitioner',
    kind: 'PERSONNEL',
    displayName: 'Andreas Nguyen, surgeon at Haukeland universitetssjukehus',
    shows: 'Hilde Tveit has blocked him by name: none of her health data, not even by emergency access',
    pid: '08818610042',
    hprNumber: '9429915',
    profession: 'LE',
    orgNumber: '983974724',
    organisation: 'Haukeland universitetssjukehus',
    purpose: 'TREAT',
  },
  {
    name: 'gp-midtbyen',
    kind: 'PERSONNEL',
    displayName: 'Heidi Brekke, GP at Midtbyen legesenter',
    shows: 'GP of Silje Brekke, whose address is strictly confidential: the only persona who sees her GP office named',
    pid: '14837210055',
    hprNumber: '5419302',
    profession: 'LE',
    orgNumber: '911223341',
    organisation: 'Midtbyen legesenter',
    herId: '82111',
    purpose: 'TREAT',
  },
  {
    name: 'nav-counsellor',
    kind: 'PERSONNEL',
    displayName: 'Marte Haugland, counsellor (veileder) at NAV Bergenhus',
    shows:
      "Outside health care: takes part in Jonas Eide's individual plan, whose consent names NAV Bergenhus, and reads that plan and nothing else (logged in his access log); refused every other field, and the plans of Ingrid Solheim and Sara Moe, whose consents do not name NAV Bergenhus",
    pid: '14838871020',
    hprNumber: null,
    profession: null,
    // Under Arbeids- og velferdsetaten, for the NAV office's own unit: a plan's consent names the office.
    orgNumber: '889640782',
    childOrgNumber: '991500014',
    organisation: 'NAV Bergenhus',
    purpose: 'COC',
  },
  {
    name: 'citizen-ingrid',
    kind: 'CITIZEN',
    displayName: 'Ingrid Solheim (citizen, ID-porten)',
    shows: 'Reads her own record with `me`, and who has read it with `me { accessLog }`',
    pid: demoNin('homeCare'),
  },
  {
    name: 'citizen-hilde',
    kind: 'CITIZEN',
    displayName: 'Hilde Tveit (citizen, ID-porten)',
    shows: 'Reads her own record; a psychiatric note withheld from her (pbrl § 5-1) is listed without content',
    pid: demoNin('blockedDocument'),
  },
  {
    name: 'citizen-silje',
    kind: 'CITIZEN',
    displayName: 'Silje Brekke (citizen, ID-porten)',
    shows: 'Her address is strictly confidential: her own record and access log name no place (no GP office, hospital or reader\'s organisation), only sectors',
    pid: demoNin('strictlyConfidential'),
  },
  {
    name: 'citizen-jonas',
    kind: 'CITIZEN',
    displayName: 'Jonas Eide (citizen, ID-porten)',
    shows: 'Reads his own record and individual plan; his access log shows NAV Bergenhus reading the plan, under his consent',
    pid: demoNin('individualPlan'),
  },
  {
    name: 'citizen-parent',
    kind: 'CITIZEN',
    displayName: 'Marte Haugland (citizen, ID-porten), acting for her son Emil, 8',
    shows:
      "`me` is her younger child's record (parental responsibility in the population register); with `represents` set to her daughter Ida, 14, Ida's GP record and dispensations without what the child has kept from her (pbrl § 3-4), the parts whose systems mark nothing withheld (WITHHELD_FROM_PARENTS); both children's access logs name her",
    pid: demoNin('parent'),
    represents: demoNin('child'),
  },
  {
    name: 'citizen-representative',
    kind: 'CITIZEN',
    displayName: "Kari Solheim (citizen, ID-porten), Ingrid Solheim's daughter, acting for her mother",
    shows: "`me` is Ingrid Solheim's record under the power of attorney she gave (read and send messages, not blocks); in Ingrid's access log as her representative",
    pid: demoNin('representative'),
    represents: demoNin('homeCare'),
  },
  {
    name: 'researcher',
    kind: 'PERSONNEL',
    displayName: 'Researcher at Universitetet i Bergen',
    shows: 'Purpose HRESCH under the approval REK 2026/104512 (purpose-of-use details): aggregates with small cells suppressed, no personal health data',
    pid: '02926910062',
    hprNumber: null,
    profession: null,
    orgNumber: '874789542',
    organisation: 'Universitetet i Bergen',
    purpose: 'HRESCH',
    // The purpose-of-use details carry the project's approval (a REK reference) for research.
    emergencyReason: 'REK 2026/104512',
  },
  {
    name: 'administrator',
    kind: 'PERSONNEL',
    displayName: 'System administrator, Bergen kommune',
    shows: 'Purpose HOPERAT, no HPR number: reads no personal health data',
    pid: '22878410088',
    hprNumber: null,
    profession: null,
    orgNumber: '964338531',
    organisation: 'Bergen kommune',
    purpose: 'HOPERAT',
  },
];

export function personaNamed(name: string): Persona | undefined {
  return PERSONAS.find((p) => p.name === name);
}

/** A demo patient's number, from the generated list (simulators/population/demo-patients.json): citizens log in as them. */
function demoNin(key: string): string {
  const nin = demoPatients.patients.find((p) => p.key === key)?.nin;
  if (!nin) throw new Error(`no demo patient "${key}" in demo-patients.json`);
  return nin;
}
