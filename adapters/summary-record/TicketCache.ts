import type { PurposeOfUse } from '../../lib/purposeOfUse';
import type { Stash } from '../kit/cache/Stash';
import type { TicketGrant } from './mapper';

/**
 * Kjernejournal tickets the graph holds, so that reading a patient again within a ticket's life costs one
 * call (summaries) instead of two, and so that a ticket fetched ahead (alongside the registry look-up, by
 * the person subgraph) serves the read that follows in another process. A ticket is not health data, only a
 * short-lived permission bound to one patient; the summaries themselves are never kept (the source says
 * `no-cache, private`).
 *
 * A ticket is issued for one purpose of use and is held under the patient and that purpose: a ticket got for
 * treatment must never serve an emergency read (which the patient is told about) nor a citizen's own read,
 * and the service refuses a ticket presented under another purpose anyway.
 *
 * Privacy: tickets are kept in the kit's stash, on the cache's store, under a keyed hash of the instance, the
 * purpose and the identity number, sealed: a Redis dump shows neither numbers nor tickets.
 */

/** Tickets are given up this long before they expire, so one is never sent just as it runs out. */
export const SAFETY_MARGIN_MS = 60_000;

export class TicketCache {
  constructor(
    private readonly stash: Stash,
    private readonly instanceId: string,
    private readonly now: () => number = Date.now,
  ) {}

  private parts(nin: string, purpose: PurposeOfUse): string[] {
    return [this.instanceId, purpose, nin];
  }

  /** Tickets still good for at least the safety margin, by identity number, for those that have one. */
  async getMany(nins: readonly string[], purpose: PurposeOfUse): Promise<Map<string, string>> {
    const found = await this.stash.getMany(nins.map((nin) => this.parts(nin, purpose)));
    const tickets = new Map<string, string>();
    for (const [i, value] of found) {
      const grant = JSON.parse(value) as TicketGrant;
      const nin = nins[i];
      if (nin && grant.expiresAt - SAFETY_MARGIN_MS > this.now()) tickets.set(nin, grant.ticket);
    }
    return tickets;
  }

  /** Holds a ticket until the safety margin before it expires. */
  set(nin: string, purpose: PurposeOfUse, grant: TicketGrant): Promise<void> {
    return this.stash.set(this.parts(nin, purpose), JSON.stringify(grant), grant.expiresAt - SAFETY_MARGIN_MS - this.now());
  }

  delete(nin: string, purpose: PurposeOfUse): Promise<void> {
    return this.stash.delete(this.parts(nin, purpose));
  }
}
