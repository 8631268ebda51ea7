import { createActionStore } from '../../lib/audit/createAuditStore';
import type { AuditStore } from '../../lib/audit/AuditStore';
import type { Logger } from '../../lib/logger';
import { createOutbox } from '../../lib/outbox/createOutbox';
import type { Outbox } from '../../lib/outbox/Outbox';
import { OutboxSeal } from '../../lib/outbox/sealing';
import { auditPseudonymKey } from '../../lib/secrets';
import type { Invalidates } from '../kit/createSubgraph';
import type { SourceDirectory } from '../kit/SourceDirectory';
import { Delivery, deliveryOptionsFromEnv } from './delivery';

/**
 * What the messaging subgraph holds for the process's life: the outbox, its seal, the store its actions are
 * logged in, and the delivery worker. Made when the subgraph starts (`background`), before it takes requests.
 */
export interface MessagingRuntime {
  outbox: Outbox;
  seal: OutboxSeal;
  actions: AuditStore;
  delivery: Delivery;
  /** The access log's pseudonym key (patients in the log and in the outbox are the same pseudonym). */
  pseudonymKey: Buffer;
  /** The shared source cache, to forget a system's answers about a patient the moment an action changed them. */
  cache: Invalidates;
}

let current: MessagingRuntime | undefined;

export function messagingRuntime(): MessagingRuntime {
  if (!current) throw new Error('the messaging subgraph has not started its outbox');
  return current;
}

export async function startMessaging({ sources, logger, cache }: { sources: SourceDirectory; logger: Logger; cache: Invalidates }): Promise<{ stop(): Promise<void> }> {
  const outbox = createOutbox();
  const seal = OutboxSeal.fromEnv();
  const delivery = new Delivery(outbox, seal, sources, logger, deliveryOptionsFromEnv());
  current = {
    outbox,
    seal,
    actions: createActionStore(),
    delivery,
    cache,
    pseudonymKey: auditPseudonymKey(),
  };
  logger.info(`message outbox: ${outbox.description}`);
  // Whatever was waiting when the process last stopped goes out now.
  delivery.start();
  const running = current;
  return {
    stop: async () => {
      await running.delivery.stop();
      await running.outbox.close();
      await running.actions.close();
    },
  };
}
