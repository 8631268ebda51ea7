import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../test/testDatabase';
import { FileOutbox } from './FileOutbox';
import type { Outbox, OutboxEntry } from './Outbox';
import { PgOutbox } from './PgOutbox';
import { OutboxSeal } from './sealing';

const entry = (n: number, over: Partial<OutboxEntry> = {}): OutboxEntry => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  key: `key-${n}`,
  conversationRef: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  patient: 'pseudonym-a',
  instance: 'gp-nordlys-vest',
  createdAt: new Date(2026, 11, 6, 10, n).toISOString(),
  status: 'QUEUED',
  attempts: 0,
  nextAttemptAt: new Date(2026, 11, 6, 10, n).toISOString(),
  lastError: null,
  receipt: null,
  deliveredAt: null,
  sealed: 'sealed',
  ...over,
});

/** What every outbox must do, whatever keeps it. */
function contract(name: string, make: () => Promise<{ outbox: Outbox; reopen: () => Promise<Outbox> }>) {
  describe(`the outbox in ${name}`, () => {
    it('stores an entry once per idempotency key, and keeps it across a reopen', async () => {
      const { outbox, reopen } = await make();
      expect((await outbox.add(entry(1))).created).toBe(true);
      const again = await outbox.add(entry(2, { key: 'key-1' }));
      expect(again).toEqual({ created: false, entry: expect.objectContaining({ id: entry(1).id }) });
      await outbox.close();
      const next = await reopen();
      expect(await next.get(entry(1).id)).toEqual(expect.objectContaining({ key: 'key-1', status: 'QUEUED' }));
      expect(await next.get(entry(2).id)).toBeUndefined();
      await next.close();
    });

    it('hands due entries to one worker at a time, and records outcomes durably', async () => {
      const { outbox, reopen } = await make();
      await outbox.add(entry(3));
      await outbox.add(entry(4, { nextAttemptAt: new Date(2099, 0, 1).toISOString() }));
      const now = new Date(2026, 11, 6, 12);
      const claimed = await outbox.claimDue(now, 10, 30_000);
      expect(claimed.map((e) => e.id)).toEqual([entry(3).id]);
      // Held by its lease: a second worker gets nothing until it runs out.
      expect(await outbox.claimDue(now, 10, 30_000)).toEqual([]);
      expect((await outbox.claimDue(new Date(now.getTime() + 31_000), 10, 30_000)).map((e) => e.id)).toEqual([entry(3).id]);
      await outbox.update(entry(3).id, { status: 'DELIVERED', attempts: 1, receipt: { status: 'OK', code: null, text: null }, deliveredAt: now.toISOString() });
      await outbox.close();
      const next = await reopen();
      expect(await next.get(entry(3).id)).toEqual(expect.objectContaining({ status: 'DELIVERED', attempts: 1, receipt: { status: 'OK', code: null, text: null } }));
      expect(await next.claimDue(new Date(2027, 0, 1), 10, 1000)).toEqual([]);
      expect((await next.byPatient('pseudonym-a')).map((e) => e.id)).toEqual(expect.arrayContaining([entry(3).id, entry(4).id]));
      await next.close();
    });
  });
}

contract('a file', async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'outbox-')), 'outbox.jsonl');
  return { outbox: new FileOutbox(file), reopen: async () => new FileOutbox(file) };
});

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('outbox');
});
afterAll(async () => {
  await db?.drop();
});
let tables = 0;
contract('PostgreSQL', async () => {
  const table = `outbox_${++tables}`;
  return { outbox: new PgOutbox(db.url, table), reopen: async () => new PgOutbox(db.url, table) };
});

describe('the outbox file', () => {
  it('drops a line torn by a crash mid-write (never acknowledged), and takes new entries after it', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'outbox-')), 'outbox.jsonl');
    const outbox = new FileOutbox(file);
    await outbox.add(entry(5));
    await outbox.close();
    appendFileSync(file, '{"t":"add","e":{"id":"torn');
    const reopened = new FileOutbox(file);
    expect(await reopened.get(entry(5).id)).toBeDefined();
    await reopened.add(entry(6));
    await reopened.close();
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { e: { id: string } }).e.id)).toEqual([entry(5).id, entry(6).id]);
  });

  it('is compacted when changes pile up', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'outbox-')), 'outbox.jsonl');
    const outbox = new FileOutbox(file);
    await outbox.add(entry(7));
    for (let i = 0; i < 150; i++) await outbox.update(entry(7).id, { attempts: i });
    await outbox.close();
    const reopened = new FileOutbox(file);
    expect((await reopened.get(entry(7).id))?.attempts).toBe(149);
    await reopened.close();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});

describe('sealing', () => {
  it('opens only for the entry it was sealed for, and shows nothing of the message', () => {
    const seal = OutboxSeal.fromEnv({});
    const sealed = seal.seal('id-1', { patientNin: '03864013065', text: 'Spironolakton?' });
    expect(sealed).not.toMatch(/03864013065|Spironolakton/);
    expect(seal.open('id-1', sealed)).toEqual({ patientNin: '03864013065', text: 'Spironolakton?' });
    expect(() => seal.open('id-2', sealed)).toThrow();
  });
});

