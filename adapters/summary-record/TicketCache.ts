import { createHmac, randomBytes } from 'node:crypto';
import type { PurposeOfUse } from '../../lib/purposeOfUse';
import type { TicketGrant } from './mapper';

/**
 * Kjernejournal tickets this process holds, so that reading a patient again within a ticket's life costs
 * one call (summaries) instead of two. A ticket is not health data, only a short-lived permission bound to
 * one patient; the summaries themselves are never kept (the source says `no-cache, private`).
 *
 * A ticket is issued for one purpose of use and is held under the patient and that purpose: a ticket got
 * for treatment must never serve an emergency read (which the patient is told about) nor a citizen's own
 * read, and the service refuses a ticket presented under another purpose anyway.
 *
 * Privacy: entries are keyed by an HMAC-SHA256 of the purpose and the identity number, not the number
 * itself, so that a heap dump, a debugger or a careless log of this map shows no identity numbers. The HMAC
 * key is random per process and never leaves it, so the keys cannot be reversed by hashing candidate
 * numbers (11 digits with check digits are few enough to enumerate against a plain hash).
 */
const HMAC_KEY = randomBytes(32);

/** Tickets are given up this long before they expire, so one is never sent just as it runs out. */
export const SAFETY_MARGIN_MS = 60_000;
/** At most this many tickets are held; the oldest go first. Bounds memory under a population-wide sweep. */
export const MAX_TICKETS = 20_000;

export class TicketCache {
  private readonly entries = new Map<string, TicketGrant>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A ticket for the patient and purpose that is still good for at least the safety margin, if one is held. */
  get(nin: string, purpose: PurposeOfUse): string | undefined {
    const slot = slotOf(nin, purpose);
    const grant = this.entries.get(slot);
    if (!grant) return undefined;
    if (grant.expiresAt - SAFETY_MARGIN_MS > this.now()) return grant.ticket;
    this.entries.delete(slot);
    return undefined;
  }

  set(nin: string, purpose: PurposeOfUse, grant: TicketGrant): void {
    const slot = slotOf(nin, purpose);
    this.entries.delete(slot); // re-inserted last, so insertion order stays oldest-first
    this.entries.set(slot, grant);
    if (this.entries.size > MAX_TICKETS) this.prune();
  }

  delete(nin: string, purpose: PurposeOfUse): void {
    this.entries.delete(slotOf(nin, purpose));
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [slot, grant] of this.entries) if (grant.expiresAt - SAFETY_MARGIN_MS <= now) this.entries.delete(slot);
    for (const slot of this.entries.keys()) {
      if (this.entries.size <= MAX_TICKETS) break;
      this.entries.delete(slot);
    }
  }
}

/** The slot of a patient's ticket for one purpose: the purpose is part of what is HMAC'ed, so neither shows. */
function slotOf(nin: string, purpose: PurposeOfUse): string {
  // A separator no purpose code or identity number contains, so that no two pairs give the same input.
  return createHmac('sha256', HMAC_KEY).update(`${purpose}\u0000${nin}`).digest('base64url');
}
