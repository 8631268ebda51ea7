import { constants } from 'node:fs';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { AccessRecord } from './AccessRecord';
import { AuditUnavailableError, errorCode, type AuditStore } from './AuditStore';

/** An append that waits for the next group commit. `data` is its lines; '' for a health check. */
interface Pending {
  data: string;
  resolve: () => void;
  reject: (error: AuditUnavailableError) => void;
}

interface OpenFile {
  handle: FileHandle;
  /** Device and inode at open: the path must still name this file, or we would write where nobody reads. */
  dev: number;
  ino: number;
  /** The file ends in a torn line (a crash mid-write): start the next write with a newline. */
  needsNewline: boolean;
}

/**
 * The access log as a JSON Lines file, one record per line, opened in append mode: the default store, which
 * needs no database.
 *
 * Group commit: an fsync costs milliseconds, so one per request would cap the gateway at a few hundred
 * requests a second. Appends that arrive while a write+fsync is in flight wait in a queue and go out
 * together as one write and one fsync; then all their promises resolve. A burst of concurrent requests costs
 * two fsyncs, not one each, and no append resolves before its lines are on disk.
 *
 * Failures are loud and temporary: if the directory or file cannot be opened or written (deleted directory,
 * disk full, I/O error), every append of the batch rejects with AuditUnavailableError, the file is closed,
 * and the next append opens it again, so the store recovers without a restart once the problem is fixed.
 *
 * One process writes a file; any number may read it (a reader skips a line still being written).
 */
export class FileAuditStore implements AuditStore {
  readonly file: string;
  private current: OpenFile | null = null;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(file: string) {
    this.file = path.resolve(file);
  }

  append(records: readonly AccessRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new AuditUnavailableError('the access log file store is closed'));
    if (records.length === 0) return Promise.resolve();
    // JSON.stringify escapes line breaks inside strings, so one record is always exactly one line.
    const data = records.map((record) => `${JSON.stringify(record)}\n`).join('');
    return this.enqueue(data);
  }

  async readForPatient(patient: string, limit: number): Promise<AccessRecord[]> {
    const max = Math.floor(limit);
    if (!(max > 0)) return [];
    // The writer wrote the pseudonym with JSON.stringify too, so this is exactly how it appears in a line:
    // lines of other patients are skipped without parsing them.
    const needle = JSON.stringify(patient);
    const matches: Match[] = [];
    let handle: FileHandle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return []; // nothing was ever disclosed
      throw new AuditUnavailableError('could not open the access log file for reading', errorCode(error));
    }
    try {
      // Streamed line by line: the file grows for years and is never loaded whole.
      let seq = 0;
      for await (const line of handle.readLines({ encoding: 'utf8', autoClose: false })) {
        seq += 1;
        if (!line.includes(needle)) continue;
        const record = parseRecord(line);
        if (record?.patient !== patient) continue;
        matches.push({ record, at: timeOf(record), seq });
        // Keep only the newest `max`, pruning in steps so the cost stays O(n log max).
        if (matches.length >= 2 * max + 256) {
          matches.sort(newestFirst);
          matches.length = max;
        }
      }
    } catch (error) {
      throw new AuditUnavailableError('could not read the access log file', errorCode(error));
    } finally {
      await handle.close().catch(() => undefined);
    }
    return matches.sort(newestFirst).slice(0, max).map((match) => match.record);
  }

  /** Opens (or reopens) the file through the same queue as the appends, so it sees what they would see. */
  check(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return this.enqueue('').then(
      () => true,
      () => false,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    // Appends accepted before close are still written.
    while (this.flushing) await this.flushing.catch(() => undefined);
    const file = this.current;
    this.current = null;
    await file?.handle.close().catch(() => undefined);
  }

  private enqueue(data: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ data, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing) return; // the running flush takes this append in its next batch
    // Start on the next microtask, so that appends made in the same tick (Promise.all) share the first batch.
    this.flushing = Promise.resolve()
      .then(() => this.drain())
      .finally(() => {
        this.flushing = null;
        // An append that arrived after the last batch was taken, but before this callback, is not lost.
        if (this.queue.length > 0) this.schedule();
      });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        await this.writeDurably(batch.map((pending) => pending.data).join(''));
        for (const pending of batch) pending.resolve();
      } catch (error) {
        const failure =
          error instanceof AuditUnavailableError ? error : new AuditUnavailableError('could not write the access log file', errorCode(error));
        for (const pending of batch) pending.reject(failure);
      }
    }
  }

  /** One write of all lines, one fsync; on any failure the lines are taken back and the file is closed. */
  private async writeDurably(data: string): Promise<void> {
    const file = await this.openFile();
    if (data === '') return;
    const buffer = Buffer.from(file.needsNewline ? `\n${data}` : data, 'utf8');
    // Where this batch starts; unknown (nothing to take back) until the size has been read.
    let start: number | null = null;
    let written = 0;
    try {
      start = (await file.handle.stat()).size;
      while (written < buffer.length) {
        // O_APPEND: every write goes to the end, whatever the file position says.
        const { bytesWritten } = await file.handle.write(buffer, written, buffer.length - written);
        if (bytesWritten <= 0) throw new AuditUnavailableError('the access log file accepted no more bytes');
        written += bytesWritten;
      }
      // fdatasync also persists the new file size, which is all an append changes in the inode.
      await file.handle.datasync();
      // Deleted or replaced while we wrote: the lines are in a file nobody will read.
      if (!(await this.stillAtPath(file))) throw new AuditUnavailableError('the access log file was moved or deleted while writing');
      file.needsNewline = false;
    } catch (error) {
      // Up to the whole buffer may have landed, whatever `written` says (a write can fail after writing).
      await this.discard(file, start === null ? undefined : { start, end: start + buffer.length });
      throw error instanceof AuditUnavailableError ? error : new AuditUnavailableError('could not write the access log file', errorCode(error));
    }
  }

  /** The open file, if the path still names it; otherwise the directory and file are (re)created and opened. */
  private async openFile(): Promise<OpenFile> {
    if (this.current) {
      if (await this.stillAtPath(this.current)) return this.current;
      // Rotated away (reopen at the path) or deleted (the reopen fails, and says why).
      await this.discard(this.current);
    }
    const dir = path.dirname(this.file);
    const toSync = new Set<string>();
    try {
      // 0700/0600: the log says who read whose record; only the gateway's user may read it.
      const firstCreated = await mkdir(dir, { recursive: true, mode: 0o700 });
      if (firstCreated !== undefined) {
        for (let created = dir; ; created = path.dirname(created)) {
          toSync.add(path.dirname(created));
          if (created === firstCreated || created === path.dirname(created)) break;
        }
      }
    } catch (error) {
      throw new AuditUnavailableError('could not create the access log directory', errorCode(error));
    }
    let handle: FileHandle;
    try {
      // O_EXCL first, to know whether the file is new (its directory entry must then be fsync'ed too).
      handle = await open(this.file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL, 0o600);
      toSync.add(dir);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw new AuditUnavailableError('could not open the access log file', errorCode(error));
      try {
        handle = await open(this.file, 'a+', 0o600);
      } catch (again) {
        throw new AuditUnavailableError('could not open the access log file', errorCode(again));
      }
    }
    try {
      const info = await handle.stat();
      let needsNewline = false;
      if (info.size > 0) {
        const last = Buffer.alloc(1);
        const { bytesRead } = await handle.read(last, 0, 1, info.size - 1);
        needsNewline = bytesRead === 1 && last[0] !== 0x0a;
      }
      for (const directory of toSync) await syncDirectory(directory);
      this.current = { handle, dev: info.dev, ino: info.ino, needsNewline };
      return this.current;
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw new AuditUnavailableError('could not open the access log file', errorCode(error));
    }
  }

  private async stillAtPath(file: OpenFile): Promise<boolean> {
    try {
      const info = await stat(this.file);
      return info.dev === file.dev && info.ino === file.ino;
    } catch {
      return false;
    }
  }

  /**
   * Closes a file after a failure, first taking back the bytes of the failed batch (from `start`, at most up
   * to `end`), so that a rejected append leaves no record behind. Truncation is the one exception to
   * append-only, and only ever removes what this write just added: when the file has grown past `end`,
   * someone else appended after us and nothing is truncated (the lines stay, and a torn one is fenced off by
   * the newline the next open writes first).
   */
  private async discard(file: OpenFile, batch?: { start: number; end: number }): Promise<void> {
    if (this.current === file) this.current = null;
    try {
      if (batch) {
        const { size } = await file.handle.stat();
        if (size > batch.start && size <= batch.end) {
          await file.handle.truncate(batch.start);
          await file.handle.datasync();
        }
      }
    } catch {
      // The file is failing anyway; the next open starts a fresh line if a torn one is left.
    }
    await file.handle.close().catch(() => undefined);
  }
}

interface Match {
  record: AccessRecord;
  at: number;
  /** Line number: among records of the same time, the later line is the newer. */
  seq: number;
}

function newestFirst(a: Match, b: Match): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return b.seq - a.seq;
}

function timeOf(record: AccessRecord): number {
  const at = Date.parse(record.time);
  return Number.isNaN(at) ? -Infinity : at;
}

/** A line as a record, or null for a torn or foreign line (a crash mid-write leaves half a line). */
function parseRecord(line: string): AccessRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { id, time, patient } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof time !== 'string' || typeof patient !== 'string') return null;
  return value as AccessRecord;
}

/** Makes a new directory entry durable: without it, a new file can vanish in a power cut despite its own fsync. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory; there is nothing more to do there.
    if (!['EINVAL', 'ENOTSUP', 'EISDIR', 'EPERM'].includes(errorCode(error) ?? '')) throw error;
  } finally {
    await handle.close();
  }
}
