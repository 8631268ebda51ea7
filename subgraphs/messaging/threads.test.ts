import { threadsOf, type ThreadMessage } from './threads';

const party = (herId: string) => ({ herId, service: `s${herId}`, orgNumber: null, hprNumber: null, name: null });
const message = (id: string, over: Partial<ThreadMessage> = {}): ThreadMessage => ({
  id,
  conversationRef: id,
  inReplyTo: null,
  kind: 'QUESTION',
  sentAt: '2026-12-06T10:00:00Z',
  sender: party('81302'),
  recipient: party('81241'),
  subject: 'Spironolakton',
  text: 'Skal hun fortsatt ha spironolakton?',
  status: 'DELIVERED',
  statusReason: null,
  attempts: 1,
  ...over,
});

describe('message threads', () => {
  it('group by conversation, mark an answered question, and take each message once (the outbox copy first)', () => {
    const question = message('q1');
    const answer = message('a1', { conversationRef: 'q1', inReplyTo: 'q1', kind: 'ANSWER', sentAt: '2026-12-06T10:05:00Z', sender: party('81241'), recipient: party('81302'), attempts: null });
    const note = message('n1', { kind: 'NOTE', sentAt: '2026-12-05T09:00:00Z', status: 'QUEUED' });
    const systemCopy = { ...question, status: 'DELIVERED' as const, attempts: null };
    const threads = threadsOf([question, note, answer, systemCopy]);
    expect(threads.map((t) => [t.conversationRef, t.messages.map((m) => [m.id, m.status])])).toEqual([
      ['q1', [['q1', 'ANSWERED'], ['a1', 'DELIVERED']]],
      ['n1', [['n1', 'QUEUED']]],
    ]);
    expect(threads[0]?.lastActivity).toBe('2026-12-06T10:05:00Z');
    expect(threads[0]?.messages[0]?.attempts).toBe(1);
  });

  it('leave a rejected question rejected, answered or not', () => {
    const rejected = message('q2', { status: 'REJECTED', statusReason: 'E21' });
    expect(threadsOf([rejected])[0]?.messages[0]?.status).toBe('REJECTED');
  });
});
