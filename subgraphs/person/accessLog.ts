import { createAuditStore } from '../../lib/audit/createAuditStore';
import type { AccessRecord } from '../../lib/audit/AccessRecord';
import type { AuditStore } from '../../lib/audit/AuditStore';
import { patientPseudonym } from '../../lib/audit/patientPseudonym';
import { graphError } from '../../lib/errorCodes';
import { symmetricKey } from '../../lib/secrets';
import type { SourceDirectory } from '../kit/SourceDirectory';
import { checkArguments, MAX_ACCESS_LOG_ENTRIES } from '../../lib/argumentRules';

/**
 * The patient's view of the access log (pjl § 18): who read their record, when, why, and whether it was
 * emergency access. Read from the store the gateway writes (the file, or PostgreSQL with DATABASE_URL).
 */

let store: AuditStore | undefined;
let key: Buffer | undefined;

export function auditPseudonymKey(): Buffer {
  key ??= symmetricKey('AUDIT_PSEUDONYM_KEY', (d) => d.auditPseudonymKey, 'the HMAC key of patient pseudonyms in the access log (32 bytes or more, base64)');
  return key;
}

function auditStore(): AuditStore {
  store ??= createAuditStore();
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

/** `request`: an object that lives as long as the request (its loaders), to read the log once per request. */
export async function accessLogOf(nin: string, last: number, sources: SourceDirectory, request: object) {
  checkArguments('Patient', 'accessLog', { last });
  let records: AccessRecord[];
  try {
    records = (await recordsOf(nin, request)).slice(0, last);
  } catch {
    throw graphError('AUDIT_UNAVAILABLE', 'The access log cannot be read right now; try again later');
  }
  return records.map((r) => ({
    time: r.time,
    accessor:
      r.accessor.kind === 'CITIZEN'
        ? { kind: 'PATIENT', practitioner: null, organisation: null, orgNumber: null }
        : {
            kind: 'PERSONNEL',
            practitioner: r.accessor.hprNumber ? { hprNumber: r.accessor.hprNumber } : null,
            organisation: r.accessor.orgNumber ? (sources.organisationName(r.accessor.orgNumber) ?? r.accessor.orgNumber) : null,
            orgNumber: r.accessor.orgNumber,
          },
    purpose: r.purpose,
    emergency: r.purpose === 'ETREAT',
    emergencyReason: r.emergencyReason,
    dataTypes: [...new Set(r.fields.map((f) => f.split('.')[0] ?? f))].sort(),
    fields: r.fields,
    requestId: r.requestId,
  }));
}
