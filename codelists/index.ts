import atc from './atc.json';
import hpr from './hpr.json';
import icd10 from './icd10-no.json';
import icpc2 from './icpc2-no.json';
import kithDialog from './kith-dialog.json';
import local from './local.json';
import loinc from './loinc.json';
import municipality from './municipality-3402.json';
import nlk from './nlk.json';
import npu from './npu.json';
import volven9151 from './volven-9151.json';

/**
 * Small extracts of the official code lists the synthetic population and the simulators use, each with its
 * source, version and the date it was read (see the JSON files). The simulators take their codes and display
 * texts from here, and `codelists.test.ts` checks that every code they emit is in one of these lists, so a
 * wrong code or display text fails the suite. Made-up codes live only in local.json, under this project's own
 * URNs, never under the Norwegian OID arc.
 */

export interface CodeEntry {
  code: string;
  display: string;
  /** False where the code could not be confirmed against the official list on the machine that wrote it. */
  verified?: boolean;
}

export interface CodeList<E extends CodeEntry = CodeEntry> {
  name: string;
  /** The code system as FHIR writes it: `urn:oid:…` or a URI. */
  system: string;
  /** The bare OID, as KITH XML writes it in an S attribute; null for code systems that have none of their own. */
  oid: string | null;
  entries: E[];
}

export interface LabEntry extends CodeEntry {
  shortName: string;
  /** NLK's bruksnavn, with the system prefix (B-Hemoglobin, P-Kalium). */
  nlkName: string;
  definition: string;
  /** UCUM code. */
  unit: string;
  referenceLow: number;
  referenceHigh: number;
  /** The adult reference interval per sex, where it differs (referenceLow/referenceHigh then span both). */
  referenceBySex?: { female: number[]; male: number[] };
}

export interface AtcEntry extends CodeEntry {
  whoName: string;
  class?: boolean;
}

function list<E extends CodeEntry>(source: { name: string; system: string; oid?: string; entries: E[] }): CodeList<E> {
  return { name: source.name, system: source.system, oid: source.oid ?? null, entries: source.entries };
}

/** Where a KITH list is used: the message standard's namespace and the element that carries its codes. */
export interface KithListUse {
  standard: string;
  namespace: string;
  element: string;
}

const kithList = (oid: string) => {
  const found = kithDialog.lists.find((l) => l.oid === oid);
  if (!found) throw new Error(`codelists/kith-dialog.json has no list ${oid}`);
  return list(found);
};

/** The namespaces and elements each KITH list of kith-dialog.json belongs to, by bare OID. */
export const KITH_LIST_USE: ReadonlyMap<string, readonly KithListUse[]> = new Map(kithDialog.lists.map((l) => [l.oid, l.usedIn]));

const hprList = (oid: string) => {
  const found = hpr.lists.find((l) => l.oid === oid);
  if (!found) throw new Error(`codelists/hpr.json has no list ${oid}`);
  return list(found);
};

export const CODE_LISTS = {
  icd10: list(icd10),
  icpc2: list(icpc2),
  atc: list<AtcEntry>(atc),
  nlk: list<LabEntry>({ ...nlk, entries: nlk.entries.map((e) => ({ ...e, display: e.shortName })) }),
  loinc: list(loinc),
  // NPU codes some home measurement devices send through the welfare technology hub.
  npu: list(npu),
  municipality: list(municipality),
  careService: list(volven9151),
  hprCategory: hprList('2.16.578.1.12.4.1.1.9060'),
  hprApproval: hprList('2.16.578.1.12.4.1.1.7704'),
  hprSpeciality: hprList('2.16.578.1.12.4.1.1.7426'),
  // KITH Dialogmelding 1.0 (kith-dialog.json): TypeForesp, Formål, the answer's TemaKodet; 7322 is the 1.1 list.
  dialogRequestType: kithList('2.16.578.1.12.4.1.1.9152'),
  // What a doctor (a GP, a hospital) asks about (9153); the note's topic (7321): dialogue messages between services.
  dialogDoctorRequestType: kithList('2.16.578.1.12.4.1.1.9153'),
  dialogNoteTopic: kithList('2.16.578.1.12.4.1.1.7321'),
  dialogJournalRequestType: kithList('2.16.578.1.12.4.1.1.9065'),
  dialogPurpose: kithList('2.16.578.1.12.4.1.1.9068'),
  dialogAnswerTopic: kithList('2.16.578.1.12.4.1.1.9069'),
  helsefagligDialogTopic: kithList('2.16.578.1.12.4.1.1.7322'),
  kithMessageType: kithList('2.16.578.1.12.4.1.1.8279'),
  // KITH AppRec 1.0 (kith-dialog.json): the receipt's status and its error codes.
  appRecStatus: kithList('2.16.578.1.12.4.1.1.8258'),
  appRecError: kithList('2.16.578.1.12.4.1.1.8221'),
} as const;

export type CodeListKey = keyof typeof CODE_LISTS;

/** The made-up lists (no public list exists), each saying why. */
export const LOCAL_LISTS: CodeList[] = local.lists.map((l) => ({ name: l.name, system: l.system, oid: null, entries: l.entries }));

const LOCAL_BY_NAME = new Map(local.lists.map((l) => [l.name, l.system]));
function localSystem(name: string): string {
  const system = LOCAL_BY_NAME.get(name);
  if (!system) throw new Error(`codelists/local.json has no list named ${name}`);
  return system;
}

export const LOCAL_SYSTEM = {
  welfareDevice: localSystem('Welfare technology device (velferdsteknologisk utstyr)'),
  relation: localSystem('Next-of-kin relation (relasjon til pasienten)'),
  iplosVariable: localSystem('IPLOS functional variable'),
  careMedicationStatus: localSystem('Medication status on the municipal care list'),
  careTeamRole: localSystem("Role in the patient's care team"),
  planPartySector: localSystem('Sector of a party to the individual plan'),
  planMeasureStatus: localSystem('Status of a measure in the individual plan'),
  welfareEvent: localSystem('Welfare technology event (hendelse fra velferdsteknologi)'),
  homeMeasurement: localSystem('Home measurement without a LOINC or NPU code (hjemmemåling)'),
} as const;

const ALL: CodeList[] = [...Object.values(CODE_LISTS), ...LOCAL_LISTS];

/** The list for a code system, found by its URI/URN or its bare OID (as KITH XML writes it). */
export function listForSystem(system: string): CodeList | undefined {
  const bare = system.replace(/^urn:oid:/, '');
  return ALL.find((l) => l.system === system || l.oid === bare || l.system === `urn:oid:${bare}`);
}

/** The entry for a code, or a thrown error naming the list: simulators take codes only from the lists. */
export function entry<K extends CodeListKey>(key: K, code: string): (typeof CODE_LISTS)[K]['entries'][number] {
  const found = (CODE_LISTS[key].entries as CodeEntry[]).find((e) => e.code === code);
  if (!found) throw new Error(`code ${code} is not in the ${CODE_LISTS[key].name} extract (codelists/)`);
  return found as (typeof CODE_LISTS)[K]['entries'][number];
}

/** A code with its official display text, from a list. */
export function coded(key: CodeListKey, code: string): { code: string; text: string } {
  return { code, text: entry(key, code).display };
}

/** The entry of a local list by display text's code. */
export function localEntry(system: string, code: string): CodeEntry {
  const found = LOCAL_LISTS.find((l) => l.system === system)?.entries.find((e) => e.code === code);
  if (!found) throw new Error(`code ${code} is not in the local list ${system}`);
  return found;
}

/** What is wrong with a (system, code, display) a simulator emitted; null when it is in its list with that display. */
export function checkCoding(system: string, code: string, display: string | null | undefined): string | null {
  const found = listForSystem(system);
  if (!found) return `code system ${system} has no extract in codelists/`;
  const e = found.entries.find((x) => x.code === code);
  if (!e) return `${code} is not in ${found.name}`;
  if (display !== undefined && display !== null && display !== e.display) return `${found.name} ${code}: display "${display}", the list says "${e.display}"`;
  return null;
}
