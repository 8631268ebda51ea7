import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { OutboxUnavailableError, type Outbox, type OutboxChanges, type OutboxEntry } from './Outbox';

/**
 * The outbox as a file of JSON Lines events, the default when no database is configured: one line per change
 * (`add` with the whole entry, `upd` with what changed), appended and fsync'ed before the call resolves, so
 * that an accepted message survives a crash of the process or the machine. On open the file is replayed into
 * memory; a line torn by a crash mid-write is not an event (it was never acknowledged) and is dropped. When
 * the file holds many more events than entries, it is rewritten compactly (write aside, fsync, rename).
 *
 * One process writes a file (the messaging subgraph); replicas share PostgreSQL instead (PgOutbox).
 */
type Event = { t: 'add'; e: OutboxEntry } | { t: 'upd'; id: string; c: OutboxChanges };

export class FileOutbox implements Outbox {
  readonly description: string;
  private readonly entries = new Map<string, OutboxEntry>();
  private readonly keys = new Map<string, string>();
  private fd: number | null = null;
  private events = 0;

  constructor(readonly file: string) {
    this.file = path.resolve(file);
    this.description = `file ${file}`;
    this.load();
  }

  private load(): void {
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutboxUnavailableError('could not read the outbox file', (error as NodeJS.ErrnoException).code);
    }
    // The part after the last newline is empty, or a line torn by a crash before it was acknowledged: not an event.
    for (const line of text.split('\n').slice(0, -1)) {
      if (!line) continue;
      let event: Event;
      try {
        event = JSON.parse(line) as Event;
      } catch {
        continue;
      }
      this.apply(event);
      this.events += 1;
    }
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    // Many more events than entries: rewrite it compactly before taking new ones (a torn tail goes too).
    if (this.events > 2 * this.entries.size + 100 || (text.length > 0 && !text.endsWith('\n'))) this.compact();
  }

  private apply(event: Event): void {
    if (event.t === 'add') {
      if (this.keys.has(event.e.key)) return;
      this.entries.set(event.e.id, event.e);
      this.keys.set(event.e.key, event.e.id);
    } else {
      const entry = this.entries.get(event.id);
      if (entry) this.entries.set(event.id, { ...entry, ...event.c });
    }
  }

  private compact(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const data = [...this.entries.values()].map((e) => `${JSON.stringify({ t: 'add', e } satisfies Event)}\n`).join('');
      if (data) writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    // The rename is durable once the directory is.
    const dir = openSync(path.dirname(this.file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    this.events = this.entries.size;
  }

  /**
   * Appends events and fsyncs before it returns. Synchronous on purpose: nothing else runs in between, so a
   * check and the write that follows it (one key, one entry) cannot interleave with another call, and writes
   * (a few per message) cost the event loop only their fsync. Throws OutboxUnavailableError.
   */
  private append(events: Event[]): void {
    try {
      this.fd ??= openSync(this.file, 'a', 0o600);
      writeSync(this.fd, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
      fsyncSync(this.fd);
      this.events += events.length;
    } catch (error) {
      // Closed so the next write opens the file again once the problem (a full disk) is gone.
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      throw new OutboxUnavailableError('could not write the outbox file', (error as NodeJS.ErrnoException).code);
    }
  }

  async add(entry: OutboxEntry): Promise<{ entry: OutboxEntry; created: boolean }> {
    const existing = this.keys.get(entry.key);
    if (existing) return { entry: this.entries.get(existing) as OutboxEntry, created: false };
    this.append([{ t: 'add', e: entry }]);
    this.apply({ t: 'add', e: entry });
    return { entry, created: true };
  }

  async get(id: string): Promise<OutboxEntry | undefined> {
    return this.entries.get(id);
  }

  async byKey(key: string): Promise<OutboxEntry | undefined> {
    const id = this.keys.get(key);
    return id ? this.entries.get(id) : undefined;
  }

  async byPatient(patient: string): Promise<OutboxEntry[]> {
    return [...this.entries.values()].filter((e) => e.patient === patient).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    const due = [...this.entries.values()]
      .filter((e) => e.status === 'QUEUED' && Date.parse(e.nextAttemptAt) <= now.getTime())
      .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt))
      .slice(0, limit);
    if (due.length === 0) return [];
    const until = new Date(now.getTime() + leaseMs).toISOString();
    this.append(due.map((e) => ({ t: 'upd', id: e.id, c: { nextAttemptAt: until } })));
    for (const e of due) this.apply({ t: 'upd', id: e.id, c: { nextAttemptAt: until } });
    return due.map((e) => this.entries.get(e.id) as OutboxEntry);
  }

  async update(id: string, changes: OutboxChanges): Promise<void> {
    if (!this.entries.has(id)) return;
    this.append([{ t: 'upd', id, c: changes }]);
    this.apply({ t: 'upd', id, c: changes });
  }

  async close(): Promise<void> {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
