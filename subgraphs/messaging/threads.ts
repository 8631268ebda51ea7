import type { MessageModel } from '../../adapters/model';

/** A message as `Patient.messages` shows it: where it is, and for one sent through the graph, its attempts. */
export interface ThreadMessage extends MessageModel {
  status: 'QUEUED' | 'DELIVERED' | 'REJECTED' | 'ANSWERED';
  statusReason: string | null;
  attempts: number | null;
}

export interface Thread {
  conversationRef: string;
  subject: string;
  lastActivity: string;
  messages: ThreadMessage[];
}

/**
 * Threads from messages that may come from several places (the graph's outbox, each system's record): one
 * message per id (the outbox's copy wins: it knows the status), grouped by conversation, oldest message first,
 * newest thread first. A delivered question with an answer in its thread is ANSWERED. Pure.
 */
export function threadsOf(messages: readonly ThreadMessage[]): Thread[] {
  const byId = new Map<string, ThreadMessage>();
  for (const m of messages) if (!byId.has(m.id)) byId.set(m.id, m);
  const answered = new Set([...byId.values()].flatMap((m) => (m.inReplyTo ? [m.inReplyTo] : [])));
  const threads = new Map<string, ThreadMessage[]>();
  for (const m of byId.values()) {
    const status = m.status === 'DELIVERED' && answered.has(m.id) ? 'ANSWERED' : m.status;
    const list = threads.get(m.conversationRef) ?? [];
    list.push({ ...m, status });
    threads.set(m.conversationRef, list);
  }
  return [...threads.entries()]
    .map(([conversationRef, list]) => {
      const sorted = list.sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id));
      return { conversationRef, subject: sorted[0]?.subject ?? '', lastActivity: sorted[sorted.length - 1]?.sentAt ?? '', messages: sorted };
    })
    .sort((a, b) => b.lastActivity.localeCompare(a.lastActivity));
}
