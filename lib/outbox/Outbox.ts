/**
 * The durable outbox between the graph and the systems it writes to (DESIGN.md, "Writing"): what a reader
 * asked the graph to send is stored here first, durably (a file written with fsync, or PostgreSQL), and only
 * then delivered, retried with backoff while the receiving system is down, and marked by its receipt. A
 * restart of any process loses nothing: delivery resumes from here. Delivery happens once towards the receiver
 * because the message id travels with every attempt and the systems take an id once.
 *
 * What is stored is sealed (AES-256-GCM, lib/outbox/sealing.ts): the message names the patient and says what it
 * says; only the entry's bookkeeping is in the clear (status, times, the receiving instance, a pseudonym of the
 * patient for looking a patient's messages up).
 */
export type OutboxStatus = 'QUEUED' | 'DELIVERED' | 'REJECTED';

export interface OutboxReceipt {
  status: 'OK' | 'REJECTED';
  code: string | null;
  text: string | null;
}

export interface OutboxEntry {
  /** The message's id: what the receiving system takes once. */
  id: string;
  /** The idempotency scope: a keyed hash of who sent it and the key their client chose. Unique. */
  key: string;
  /** The thread the message belongs to (the first message's id). */
  conversationRef: string;
  /** The patient, as a keyed pseudonym (the access log's), to find a patient's messages without opening any. */
  patient: string;
  /** The instance (sources.json) of the system the message goes to. */
  instance: string;
  createdAt: string;
  status: OutboxStatus;
  /** Delivery attempts so far. */
  attempts: number;
  /** When the next attempt is due (or, while one is under way, until when it holds its lease). */
  nextAttemptAt: string;
  /** The error code of the last failed attempt (SOURCE_UNAVAILABLE, SOURCE_TIMEOUT…), or null. */
  lastError: string | null;
  /** The receiving system's application receipt, once it gave one. */
  receipt: OutboxReceipt | null;
  /** When the positive receipt came. */
  deliveredAt: string | null;
  /** The message and its parties, sealed. */
  sealed: string;
}

export type OutboxChanges = Partial<Pick<OutboxEntry, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'receipt' | 'deliveredAt'>>;

export interface Outbox {
  /** Where it keeps entries, for start-up logs. */
  readonly description: string;
  /**
   * Stores a new entry, durably, before it resolves; or, when an entry with the same `key` exists, stores
   * nothing and resolves to that one (`created: false`): the same idempotency key sends once.
   */
  add(entry: OutboxEntry): Promise<{ entry: OutboxEntry; created: boolean }>;
  get(id: string): Promise<OutboxEntry | undefined>;
  /** The entry of an idempotency key, if one was stored. */
  byKey(key: string): Promise<OutboxEntry | undefined>;
  /** A patient's entries (by pseudonym), oldest first. */
  byPatient(patient: string): Promise<OutboxEntry[]>;
  /**
   * Entries due for an attempt (QUEUED, `nextAttemptAt` passed), at most `limit`, each claimed for `leaseMs`
   * (its `nextAttemptAt` moved on), so that another worker does not take it meanwhile. A worker that dies
   * mid-attempt leaves the lease to run out; the entry is then taken again (and the system takes its id once).
   */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxEntry[]>;
  /** Records the outcome of an attempt, durably, before it resolves. */
  update(id: string, changes: OutboxChanges): Promise<void>;
  close(): Promise<void>;
}

export class OutboxUnavailableError extends Error {
  override readonly name = 'OutboxUnavailableError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(code ? `${message} (${code})` : message);
  }
}
