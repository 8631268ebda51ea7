import type { AccessRecord } from '../../lib/audit/AccessRecord';
import type { AuditStore } from '../../lib/audit/AuditStore';

/**
 * The access log for answers sent in parts (`@defer`, `@stream`). Each part must be on record before it leaves,
 * as a whole answer must (what is not on record is not disclosed), so the access-log plugin runs once per part,
 * each time on everything sent so far. Within a request opened here, a record keeps only the fields and refusals
 * not already on record for that patient in that request: the records of one request together hold what the
 * same answer sent whole would have in its one record, each written before its part left. Requests not opened
 * here (every answer sent whole) pass through unchanged.
 */
export class PartwiseAuditStore implements AuditStore {
  /** Per request id in parts, per patient pseudonym: the fields and refusals already on record. */
  private readonly recorded = new Map<string, Map<string, { fields: Set<string>; denied: Set<string> }>>();

  constructor(private readonly store: AuditStore) {}

  /** The answer to this request goes in parts: later appends hold what is new. Ends with `end`. */
  begin(requestId: string): void {
    this.recorded.set(requestId, new Map());
  }

  end(requestId: string): void {
    this.recorded.delete(requestId);
  }

  async append(records: readonly AccessRecord[]): Promise<void> {
    const byRequest = records.map((r) => this.recorded.get(r.requestId));
    if (byRequest.every((seen) => seen === undefined)) return this.store.append(records);
    const fresh = records
      .map((r, i) => {
        const seen = byRequest[i]?.get(r.patient);
        return seen ? { ...r, fields: r.fields.filter((f) => !seen.fields.has(f)), denied: r.denied.filter((f) => !seen.denied.has(f)) } : r;
      })
      .filter((r) => r.fields.length > 0 || r.denied.length > 0);
    if (fresh.length > 0) await this.store.append(fresh);
    // Counted as on record only once the store has taken them (a failed append rejects above).
    fresh.forEach((r) => {
      const seen = this.recorded.get(r.requestId);
      if (!seen) return;
      const patient = seen.get(r.patient) ?? { fields: new Set<string>(), denied: new Set<string>() };
      for (const f of r.fields) patient.fields.add(f);
      for (const f of r.denied) patient.denied.add(f);
      seen.set(r.patient, patient);
    });
  }

  readForPatient(patient: string, limit: number): Promise<AccessRecord[]> {
    return this.store.readForPatient(patient, limit);
  }

  check(): Promise<boolean> {
    return this.store.check();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
