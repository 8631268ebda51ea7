import { randomUUID } from 'node:crypto';
import type { AccessRecord } from './AccessRecord';

/** A synthetic access record for the store tests; pass what the test is about, the rest is filler. */
export function testRecord(overrides: Partial<AccessRecord> = {}): AccessRecord {
  return {
    id: randomUUID(),
    time: '2026-11-30T10:00:00.000Z',
    requestId: `req-${randomUUID()}`,
    accessor: { kind: 'PERSONNEL', hprNumber: '565501872', orgNumber: '923456783', childOrgNumber: null, herId: '84726', profession: 'LE' },
    patient: 'pseudonym-a',
    purpose: 'TREAT',
    emergencyReason: null,
    basis: ['GP_LIST:923456783'],
    fields: ['Patient.birthDate', 'Patient.name'],
    denied: [],
    ...overrides,
  };
}

/** An ISO time `minutes` after a fixed start, so tests can order records by time. */
export function minutesAfterStart(minutes: number): string {
  return new Date(Date.UTC(2026, 10, 30, 8, 0, 0) + minutes * 60_000).toISOString();
}
