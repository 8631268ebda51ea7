import { randomUUID } from 'node:crypto';
import { mkdtemp, open, readFile, rename, rm, stat, symlink, writeFile, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuditUnavailableError } from './AuditStore';
import { FileAuditStore } from './FileAuditStore';
import { minutesAfterStart, testRecord } from './testRecord';

// Tests run as root, and root ignores file permissions: a read-only directory would not stop it. Unavailability
// is simulated with things that stop root too: a regular file where the directory should be (ENOTDIR/EEXIST),
// and /dev/full (ENOSPC).

let dir: string;
const stores: FileAuditStore[] = [];

function storeAt(file: string): FileAuditStore {
  const store = new FileAuditStore(file);
  stores.push(store);
  return store;
}

/** The prototype of every FileHandle, to observe (or break) writes and fsyncs. */
async function fileHandlePrototype(): Promise<FileHandle> {
  const probe = await open(path.join(dir, 'probe'), 'w');
  await probe.close();
  return Object.getPrototypeOf(probe) as FileHandle;
}

async function linesOf(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'audit-file-'));
});

afterEach(async () => {
  jest.restoreAllMocks();
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('FileAuditStore', () => {
  it('keeps every one of 300 concurrent appends, with one fsync per batch instead of one per append', async () => {
    const datasync = jest.spyOn(await fileHandlePrototype(), 'datasync');
    const store = storeAt(path.join(dir, 'access-log.jsonl'));
    const records = Array.from({ length: 300 }, (_, i) => testRecord({ patient: 'p-concurrent', time: minutesAfterStart(i) }));

    await Promise.all(records.map((record) => store.append([record])));

    const read = await store.readForPatient('p-concurrent', 1000);
    expect(read).toHaveLength(300);
    expect(new Set(read.map((record) => record.id))).toEqual(new Set(records.map((record) => record.id)));
    expect(await linesOf(store.file)).toHaveLength(300);
    // Group commit: the 300 appends of one tick share one write and one fsync.
    expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(datasync.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('resolves an append only after its lines are fsynced', async () => {
    const events: string[] = [];
    const prototype = await fileHandlePrototype();
    const original = prototype.datasync;
    jest.spyOn(prototype, 'datasync').mockImplementation(async function (this: FileHandle) {
      await original.call(this);
      events.push('fsync');
    });
    const store = storeAt(path.join(dir, 'access-log.jsonl'));

    await store.append([testRecord()]).then(() => events.push('resolved'));

    expect(events).toEqual(['fsync', 'resolved']);
  });

  it('filters by patient and answers newest first, at most `limit`', async () => {
    const store = storeAt(path.join(dir, 'access-log.jsonl'));
    // Written out of time order (concurrent requests finish in any order): newest means by time.
    for (const minute of [3, 1, 5, 2, 4]) await store.append([testRecord({ patient: 'p-a', time: minutesAfterStart(minute) })]);
    await store.append([1, 2, 3].map((minute) => testRecord({ patient: 'p-b', time: minutesAfterStart(minute) })));

    const a = await store.readForPatient('p-a', 3);
    expect(a.map((record) => record.time)).toEqual([5, 4, 3].map(minutesAfterStart));
    expect(a.every((record) => record.patient === 'p-a')).toBe(true);
    const b = await store.readForPatient('p-b', 10);
    expect(b.map((record) => record.time)).toEqual([3, 2, 1].map(minutesAfterStart));
    expect(b.every((record) => record.patient === 'p-b')).toBe(true);
    expect(await store.readForPatient('p-nobody', 10)).toEqual([]);
    expect(await store.readForPatient('p-a', 0)).toEqual([]);
  });

  it('finds a patient whose pseudonym is also a substring of another patient’s', async () => {
    const store = storeAt(path.join(dir, 'access-log.jsonl'));
    await store.append([testRecord({ patient: 'abc' }), testRecord({ patient: 'abcd' }), testRecord({ patient: 'x"abc"' })]);

    expect((await store.readForPatient('abc', 10)).map((record) => record.patient)).toEqual(['abc']);
    expect((await store.readForPatient('x"abc"', 10)).map((record) => record.patient)).toEqual(['x"abc"']);
  });

  it('reads the records of an earlier process after a restart, and appends after them', async () => {
    const file = path.join(dir, 'access-log.jsonl');
    const first = new FileAuditStore(file);
    const older = [testRecord({ time: minutesAfterStart(1), emergencyReason: 'Bevisstløs\nlinje to', purpose: 'ETREAT' }), testRecord({ time: minutesAfterStart(2), accessor: { kind: 'CITIZEN' } })];
    await first.append(older);
    await first.close();
    await expect(first.append([testRecord()])).rejects.toBeInstanceOf(AuditUnavailableError);

    const second = storeAt(file);
    expect(await second.readForPatient('pseudonym-a', 10)).toEqual([older[1], older[0]]);
    const newer = testRecord({ time: minutesAfterStart(3) });
    await second.append([newer]);
    expect(await second.readForPatient('pseudonym-a', 10)).toEqual([newer, older[1], older[0]]);
  });

  it('creates the directory (0700) and the file (0600)', async () => {
    const file = path.join(dir, 'var', 'audit', 'access-log.jsonl');
    const store = storeAt(file);

    await store.append([testRecord()]);

    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('rejects while the directory cannot be created, says nothing of the records, and recovers', async () => {
    const logDir = path.join(dir, 'logs');
    await writeFile(logDir, 'a regular file where the log directory should be');
    const store = storeAt(path.join(logDir, 'access-log.jsonl'));
    const lost = testRecord({ patient: 'p-secret-pseudonym', emergencyReason: 'secret reason' });

    const failure = await store.append([lost]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuditUnavailableError);
    expect((failure as Error).message).not.toMatch(/p-secret-pseudonym|secret reason|Patient\.name/);
    expect(await store.check()).toBe(false);

    await rm(logDir);
    const kept = testRecord({ patient: 'p-secret-pseudonym' });
    await store.append([kept]);
    expect(await store.check()).toBe(true);
    expect(await store.readForPatient('p-secret-pseudonym', 10)).toEqual([kept]);
  });

  it('rejects when the directory is deleted and replaced by a file while open, and recovers', async () => {
    const logDir = path.join(dir, 'logs');
    const store = storeAt(path.join(logDir, 'access-log.jsonl'));
    await store.append([testRecord()]);

    await rm(logDir, { recursive: true });
    await writeFile(logDir, 'not a directory');
    // The open descriptor would still accept writes, into a file nobody can read: that must not count.
    await expect(store.append([testRecord()])).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(await store.check()).toBe(false);

    await rm(logDir);
    const after = testRecord({ time: minutesAfterStart(9) });
    await store.append([after]);
    expect(await store.readForPatient('pseudonym-a', 10)).toEqual([after]);
  });

  it('rejects when the disk is full (/dev/full), and recovers', async () => {
    const file = path.join(dir, 'access-log.jsonl');
    await symlink('/dev/full', file);
    const store = storeAt(file);

    await expect(store.append([testRecord()])).rejects.toMatchObject({ name: 'AuditUnavailableError', code: 'ENOSPC' });

    await rm(file);
    const kept = testRecord();
    await store.append([kept]);
    expect(await store.readForPatient('pseudonym-a', 10)).toEqual([kept]);
  });

  it('takes back a batch the disk cut short, so a rejected append leaves no record and no torn line', async () => {
    const store = storeAt(path.join(dir, 'access-log.jsonl'));
    const before = testRecord({ time: minutesAfterStart(1) });
    await store.append([before]);
    const prototype = await fileHandlePrototype();
    type WriteBuffer = (this: FileHandle, buffer: Buffer, offset: number, length: number) => ReturnType<FileHandle['write']>;
    const write = prototype.write as WriteBuffer;
    // A short write: half of the batch reaches the file, then the disk is full.
    jest
      .spyOn(prototype, 'write')
      .mockImplementationOnce(function (this: FileHandle, buffer: Buffer, offset: number, length: number) {
        return write.call(this, buffer, offset, Math.floor(length / 2));
      } as WriteBuffer as FileHandle['write'])
      .mockImplementationOnce(async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      });

    const batch = [testRecord({ time: minutesAfterStart(2) }), testRecord({ time: minutesAfterStart(3) })];
    await expect(store.append(batch)).rejects.toMatchObject({ name: 'AuditUnavailableError', code: 'ENOSPC' });
    expect(await linesOf(store.file)).toEqual([JSON.stringify(before)]);

    const after = testRecord({ time: minutesAfterStart(4) });
    await store.append([after]);
    expect(await store.readForPatient('pseudonym-a', 10)).toEqual([after, before]);
  });

  it('skips a torn last line and garbage, and writes the next record on a line of its own', async () => {
    const file = path.join(dir, 'access-log.jsonl');
    const good = testRecord({ time: minutesAfterStart(1) });
    // A crash mid-write leaves half a line at the end.
    await writeFile(file, `${JSON.stringify(good)}\nnot json at all\n["pseudonym-a"]\n${JSON.stringify(testRecord()).slice(0, 60)}`);
    const store = storeAt(file);

    expect(await store.readForPatient('pseudonym-a', 10)).toEqual([good]);

    const next = testRecord({ time: minutesAfterStart(2) });
    await store.append([next]);
    expect(await store.readForPatient('pseudonym-a', 10)).toEqual([next, good]);
  });

  it('opens a new file at the path after the old one was rotated away', async () => {
    const file = path.join(dir, 'access-log.jsonl');
    const store = storeAt(file);
    const old = testRecord({ time: minutesAfterStart(1) });
    await store.append([old]);

    await rename(file, `${file}.1`);
    const fresh = testRecord({ time: minutesAfterStart(2) });
    await store.append([fresh]);

    expect(await linesOf(`${file}.1`)).toEqual([JSON.stringify(old)]);
    expect(await store.readForPatient('pseudonym-a', 10)).toEqual([fresh]);
  });

  it('lets another process read while this one writes', async () => {
    const file = path.join(dir, 'access-log.jsonl');
    const writer = storeAt(file);
    const reader = storeAt(file);

    const writes = Array.from({ length: 50 }, (_, i) => writer.append([testRecord({ patient: 'p-live', time: minutesAfterStart(i) })]));
    const during = await reader.readForPatient('p-live', 100);
    await Promise.all(writes);

    expect(during.length).toBeLessThanOrEqual(50);
    expect(await reader.readForPatient('p-live', 100)).toHaveLength(50);
  });

  it('writes what was accepted before close, and refuses appends after it', async () => {
    const store = storeAt(path.join(dir, 'access-log.jsonl'));
    const accepted = store.append([testRecord({ requestId: randomUUID() })]);

    await store.close();

    await expect(accepted).resolves.toBeUndefined();
    await expect(store.append([testRecord()])).rejects.toBeInstanceOf(AuditUnavailableError);
    expect(await store.check()).toBe(false);
    expect(await linesOf(store.file)).toHaveLength(1);
  });
});
