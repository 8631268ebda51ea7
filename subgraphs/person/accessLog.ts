import { createAuditReader } from '../../lib/audit/createAuditStore';
import type { AccessRecord } from '../../lib/audit/AccessRecord';
import type { AuditStore } from '../../lib/audit/AuditStore';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import { graphError } from '../../lib/errorCodes';
import { auditPseudonymKey } from '../../lib/secrets';
import type { SourceDirectory } from '../kit/SourceDirectory';
import { checkArguments, MAX_ACCESS_LOG_ENTRIES } from '../../lib/argumentRules';
import type { AccessDecision } from '../kit/access/AccessDecision';
import { withAccess, type ItemAccess } from '../kit/access/itemAccess';
import { connection, type ConnectionArgs } from '../kit/connection';

/**
 * The patient's view of the access log (pjl § 18): who read their record, when, why, and whether it was
 * emergency access. Read from the store the gateway writes (the file, or PostgreSQL with DATABASE_URL).
 */

/** Actions are told from reads by their field: each action subgraph logs its mutation's. */
const ACTIONS: Record<string, string> = { 'Mutation.sendMessage': 'SEND_MESSAGE', 'Mutation.setBlock': 'SET_BLOCK', 'Mutation.liftBlock': 'LIFT_BLOCK' };

let store: AuditStore | undefined;

function auditStore(): AuditStore {
  store ??= createAuditReader();
  return store;
}

export async function closeAccessLog(): Promise<void> {
  await store?.close();
  store = undefined;
}

/**
 * The patient's records, read once per request however many aliases ask (each asks for its own `last`):
 * reading the log scans a file or queries a table, and must not be multiplied by a request's aliases.
 */
const readsOfRequest = new WeakMap<object, Map<string, Promise<AccessRecord[]>>>();

function recordsOf(nin: string, request: object): Promise<AccessRecord[]> {
  let reads = readsOfRequest.get(request);
  if (!reads) readsOfRequest.set(request, (reads = new Map()));
  let read = reads.get(nin);
  if (!read) {
    read = auditStore().readForPatient(patientPseudonym(nin, auditPseudonymKey()), MAX_ACCESS_LOG_ENTRIES);
    reads.set(nin, read);
  }
  return read;
}

/**
 * `request`: an object that lives as long as the request (its loaders), to read the log once per request.
 * `decision`: the reader's access decision for the patient. Who read a record places the patient as much as the
 * record does (her GP office, the hospital that treated her, their staff): for a strictly confidential address
 * the place rule withholds the reader's organisation, number, name and stated emergency reason from everyone
 * outside that organisation, the patient included (schema/access/rules.yaml, placeName); the sector of the
 * reader's organisation, the time, the purpose and whether it was emergency access stay.
 */
/** The people who may act for the patient (parents, holders of her powers of attorney), by their pseudonym in the log. */
export type RepresentativeNames = () => Promise<Map<string, string | null>>;

const basisOf = (basis: readonly string[]) => (basis.some((b) => b.startsWith('POWER_OF_ATTORNEY')) ? 'POWER_OF_ATTORNEY' : basis.includes('PARENTAL_RESPONSIBILITY') ? 'PARENTAL_RESPONSIBILITY' : null);

export async function accessLogOf(nin: string, last: number, sources: SourceDirectory, request: object, decision: AccessDecision, representatives?: RepresentativeNames) {
  checkArguments('Patient', 'accessLog', { last });
  return entriesFrom(await readRecords(nin, request, last), sources, decision, representatives);
}

/**
 * `accessLogConnection`: a page of the entries of the window the log is read in (the most recent 500), each keyed by
 * its request, time and fields (the parts of one deferred answer share a request). The entries are made (and their
 * readers named) for the page only.
 */
export async function accessLogConnectionOf(nin: string, args: ConnectionArgs, sources: SourceDirectory, request: object, decision: AccessDecision, representatives?: RepresentativeNames) {
  checkArguments('Patient', 'accessLogConnection', { ...args });
  const records = await readRecords(nin, request, MAX_ACCESS_LOG_ENTRIES);
  const page = connection(records, args, { coordinate: 'Patient.accessLogConnection', key: (r) => `${r.requestId}|${r.time}|${r.fields.join(',')}` });
  const entries = await entriesFrom(page.edges.map((e) => e.node), sources, decision, representatives);
  return { ...page, edges: page.edges.map((e, i) => ({ cursor: e.cursor, node: entries[i] })) };
}

/** The most recent `last` records of the patient, read once per request. */
async function readRecords(nin: string, request: object, last: number): Promise<AccessRecord[]> {
  try {
    return (await recordsOf(nin, request)).slice(0, last);
  } catch {
    throw graphError('AUDIT_UNAVAILABLE', 'The access log cannot be read right now; try again later');
  }
}

/** The records as the patient's entries: readers named, places withheld where they would place a protected patient. */
async function entriesFrom(records: readonly AccessRecord[], sources: SourceDirectory, decision: AccessDecision, representatives?: RepresentativeNames) {
  // Who acted for her is named only where the registers still say who may: the log keeps a pseudonym.
  const names = records.some((r) => r.accessor.kind === 'CITIZEN' && r.accessor.representative) && representatives ? await representatives() : new Map<string, string | null>();
  return records.map((r) => {
    // A participant outside health care read as their service's unit (a NAV office under NAV, a school under the
    // municipality): the unit is who read, and what the patient's consent named.
    const orgNumber = r.accessor.kind === 'PERSONNEL' && r.accessor.childOrgNumber && sources.outsideHealth(r.accessor.childOrgNumber) ? r.accessor.childOrgNumber : r.accessor.kind === 'PERSONNEL' ? r.accessor.orgNumber : null;
    const place: ItemAccess = r.accessor.kind === 'CITIZEN' ? { decision, placesNothing: true } : { decision, places: [orgNumber] };
    return withAccess(
      {
        time: r.time,
        accessor: withAccess(
          r.accessor.kind === 'CITIZEN' && r.accessor.representative
            ? {
                kind: 'REPRESENTATIVE',
                sector: null,
                practitioner: null,
                organisation: null,
                orgNumber: null,
                representative: { name: names.get(r.accessor.representative) ?? null, basis: basisOf(r.basis) },
              }
            : r.accessor.kind === 'CITIZEN'
            ? { kind: 'PATIENT', sector: null, practitioner: null, organisation: null, orgNumber: null }
            : {
                kind: 'PERSONNEL',
                sector: orgNumber ? sources.organisationSector(orgNumber) : null,
                practitioner: r.accessor.hprNumber ? { hprNumber: r.accessor.hprNumber } : null,
                organisation: orgNumber ? (sources.organisationName(orgNumber) ?? orgNumber) : null,
                orgNumber,
              },
          place,
        ),
        // An action is told from a read by its field (the messaging subgraph logs `Mutation.sendMessage`).
        action: ACTIONS[r.fields.find((f) => f in ACTIONS) ?? ''] ?? 'READ',
        purpose: r.purpose,
        emergency: r.purpose === 'ETREAT',
        emergencyReason: r.emergencyReason,
    dataTypes: [...new Set(r.fields.map((f) => f.split('.')[0] ?? f))].sort(),
        fields: r.fields,
        requestId: r.requestId,
      },
      // A reason not given names no place; one given is free text that may ("akuttmottaket, St. Olavs").
      r.emergencyReason === null ? { decision, placesNothing: true } : place,
    );
  });
}
