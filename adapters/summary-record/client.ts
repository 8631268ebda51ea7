import type { InstanceConfig } from '../../lib/config';
import type { PurposeOfUse } from '../../lib/purposeOfUse';
import type { SummaryRecordAdapter } from '../contracts';
import { BadResponseError, type AdapterKit, type ReadOptions } from '../kit';
import type { SummaryRecordModel } from '../model';
import { manifest, type SummaryRecordOptions } from './manifest';
import { mapSummariesResponse, mapTicketsResponse, type TicketError } from './mapper';
import { TicketCache } from './TicketCache';

export const TICKETS_PATH = '/kj/api/v1/tickets';
export const SUMMARIES_PATH = '/kj/api/v1/summaries';
/**
 * The purposes of use Kjernejournal accepts in `X-KJ-Purpose`: treatment, emergency treatment (break the
 * glass), coordination of care, and a citizen reading their own record.
 */
export const ACCEPTED_PURPOSES: readonly PurposeOfUse[] = ['TREAT', 'ETREAT', 'COC', 'PATRQT'];

export interface SummaryRecordAdapterDeps {
  /** The clock for ticket expiry; tests move it. */
  now?: () => number;
}

export function createSummaryRecordAdapter(
  instance: InstanceConfig,
  options: SummaryRecordOptions,
  kit: AdapterKit,
  deps: SummaryRecordAdapterDeps = {},
): SummaryRecordAdapter {
  const http = kit.http(instance);
  const tickets = new TicketCache(kit.stash('kj-ticket'), instance.id, deps.now);
  /** The consumer attests the reader's purpose on every call; a ticket is issued for that one purpose. */
  const headersFor = (purpose: PurposeOfUse) => ({
    'X-Api-Key': options.apiKey,
    'X-KJ-Purpose': purpose,
    'Content-Type': 'application/json',
    Accept: 'application/json',
  });

  /** New tickets for these patients (identity numbers only in the body); null where the record has no such patient. */
  async function issue(nins: readonly string[], purpose: PurposeOfUse, signal: AbortSignal): Promise<Map<string, string | null>> {
    const response = await http.post(TICKETS_PATH, { patients: nins }, { signal, headers: headersFor(purpose) });
    const grants = mapTicketsResponse(response.data, nins.length);
    const issued = new Map<string, string | null>();
    const kept: Promise<void>[] = [];
    nins.forEach((nin, i) => {
      const grant = grants[i] ?? null;
      if (grant) kept.push(tickets.set(nin, purpose, grant));
      issued.set(nin, grant?.ticket ?? null);
    });
    await Promise.all(kept);
    return issued;
  }

  async function summaries(asked: readonly string[], purpose: PurposeOfUse, signal: AbortSignal): Promise<Map<string, SummaryRecordModel | TicketError>> {
    const response = await http.post(SUMMARIES_PATH, { tickets: asked }, { signal, headers: headersFor(purpose) });
    const answered = mapSummariesResponse(response.data);
    if (asked.some((t) => !answered.has(t))) throw new BadResponseError('summary record summaries answer leaves tickets unanswered');
    return answered;
  }

  /** One batch: held tickets where good, new ones for the rest, then the summaries; refused tickets are renewed once. */
  async function readBatch(nins: readonly string[], purpose: PurposeOfUse, signal: AbortSignal, result: Map<string, SummaryRecordModel | null>): Promise<void> {
    const ticketOf = await tickets.getMany(nins, purpose);
    const missing = nins.filter((nin) => !ticketOf.has(nin));
    const record = (issued: Map<string, string | null>) => {
      for (const [nin, ticket] of issued) {
        if (ticket) ticketOf.set(nin, ticket);
        else result.set(nin, null);
      }
    };
    if (missing.length) record(await issue(missing, purpose, signal));

    for (let attempt = 0; ticketOf.size > 0; attempt += 1) {
      // A ticket is bound to one patient: one ticket for two would hand one patient's summary to the other.
      if (new Set(ticketOf.values()).size !== ticketOf.size) throw new BadResponseError('summary record issued one ticket for two patients');
      const answered = await summaries([...ticketOf.values()], purpose, signal);
      const refused: string[] = [];
      for (const [nin, ticket] of ticketOf) {
        const summary = answered.get(ticket);
        if (summary === 'TICKET_EXPIRED' || summary === 'TICKET_UNKNOWN') {
          await tickets.delete(nin, purpose);
          refused.push(nin);
        } else if (summary) {
          result.set(nin, summary);
        }
      }
      ticketOf.clear();
      if (refused.length === 0) return;
      // A ticket just issued and already refused means the source contradicts itself: do not loop on it.
      if (attempt > 0) throw new BadResponseError('summary record refused tickets it had just issued');
      record(await issue(refused, purpose, signal));
    }
  }

  const purposeOf = (readOptions: ReadOptions | undefined): PurposeOfUse => {
    const purpose = readOptions?.purposeOfUse;
    // The consumer attests the reader's purpose; it never makes one up. Without a purpose the service
    // takes, nothing is sent (the kit classifies this as the source's failure for this read).
    if (!purpose || !ACCEPTED_PURPOSES.includes(purpose)) {
      throw new Error("a summary record read needs the reader's purpose of use (TREAT, ETREAT, COC or PATRQT)");
    }
    return purpose;
  };

  const prefetchTickets = kit.reader<string>(instance, manifest, {
    operation: 'summary-ticket',
    async fetchBatch(batch, signal, readOptions) {
      const purpose = purposeOf(readOptions);
      const held = await tickets.getMany(batch, purpose);
      const missing = batch.filter((nin) => !held.has(nin));
      const issued = missing.length ? await issue(missing, purpose, signal) : new Map<string, string | null>();
      return new Map(batch.map((nin) => [nin, held.get(nin) ?? issued.get(nin) ?? null]));
    },
  });

  return {
    instance,
    /**
     * Tickets for these patients, fetched ahead of the read that will need them (alongside the registry
     * look-up), so that the read costs one call instead of two. Nothing clinical is fetched.
     */
    prefetch: async (nins, readOptions) => {
      // A reader whose purpose the service does not take gets no ticket, and no failure is counted. A ticket
      // fetched ahead serves a read in another process only through a shared store (Redis): in-process,
      // it would be a call for nothing.
      const purpose = readOptions?.purposeOfUse;
      if (!purpose || !ACCEPTED_PURPOSES.includes(purpose) || kit.storage.store.kind !== 'redis') return;
      await prefetchTickets(nins, readOptions);
    },
    read: kit.reader<SummaryRecordModel>(instance, manifest, {
      operation: 'summary-record',
      async fetchBatch(batch, signal, readOptions) {
        const answered = new Map<string, SummaryRecordModel | null>();
        await readBatch(batch, purposeOf(readOptions), signal, answered);
        return answered;
      },
    }),
  };
}
