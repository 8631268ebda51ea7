import { demoPatient } from '../../simulators/population';
import { TestSystem } from './harness';

/**
 * Writes lose nothing and happen once, across crashes. The messaging subgraph is killed (SIGKILL: no shutdown,
 * no flush) at the two worst moments, and started again on the same outbox file:
 * - after it accepted a message (the answer said QUEUED) while the GP system was down: the message is still
 *   there and goes out once the system is back;
 * - right after the GP system took a message and before its receipt was recorded
 *   (MESSAGING_CRASH_AFTER_SEND): the outbox sends it again, and the GP system, which takes a message id once,
 *   holds it once.
 * And every process of the system stopped and started again: a message QUEUED before is delivered after.
 */
const ingrid = demoPatient('homeCare');
const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { message { id conversationRef status } } }`;
const MESSAGES = `query($nin: String!) { patient(nin: $nin) { messages { conversationRef messages { id kind status statusReason } } } }`;
const FAST = { MESSAGING_INTERVAL_MS: '200', MESSAGING_RETRY_BASE_MS: '300', MESSAGING_MAX_BACKOFF_MS: '800', MESSAGING_LEASE_MS: '1500', SIM_ANSWER_DELAY_MS: '300' };

let n = 0;
const input = (subject: string) => ({
  idempotencyKey: `crash-${Date.now()}-${++n}`,
  patient: ingrid.nin,
  recipientHerId: '81241',
  kind: 'QUESTION',
  subject,
  text: 'Står spironolakton på listen hennes hos dere?',
});

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function thread(system: TestSystem, ref: string) {
  const r = await system.query<any>(MESSAGES, { nin: ingrid.nin }, 'home-care-nurse');
  return (r.body.data?.patient?.messages as any[] | undefined)?.find((t) => t.conversationRef === ref);
}

const observed = async (system: TestSystem, label: string) => (await system.stats())['gp-nordlys-vest']?.observed?.[label] ?? 0;

describe('the messaging subgraph killed mid-write', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start({ sourceTimeoutMs: 3000, env: FAST });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('loses no message it accepted: killed while the GP system was down, started again, delivered once', async () => {
    await system.reset();
    await system.setBehaviour('gp-nordlys-vest', { mode: 'down' });
    const sent = await system.query<any>(SEND, { input: input('Akseptert, så krasj') }, 'home-care-nurse');
    expect(sent.body.data.sendMessage.message.status).toBe('QUEUED');
    const ref = sent.body.data.sendMessage.message.conversationRef;
    await system.system.kill('subgraph-messaging');
    await system.setBehaviour('gp-nordlys-vest', { mode: 'normal' });
    await system.system.relaunch('subgraph-messaging');
    const done = await until('delivery after the restart', async () => {
      const t = await thread(system, ref);
      return t && t.messages[0].status !== 'QUEUED' ? t : undefined;
    });
    expect(['DELIVERED', 'ANSWERED']).toContain(done.messages[0].status);
    expect(await observed(system, 'message:received')).toBe(1);
  });

  it('delivers once when killed after the system took the message and before the receipt was recorded', async () => {
    await system.reset();
    await system.system.kill('subgraph-messaging');
    await system.system.relaunch('subgraph-messaging', { MESSAGING_CRASH_AFTER_SEND: '1' });
    const sent = await system.query<any>(SEND, { input: input('Tatt imot, så krasj') }, 'home-care-nurse');
    const { id, conversationRef: ref } = sent.body.data.sendMessage.message;
    // The GP system takes it, and the subgraph dies before it writes down the receipt.
    await until('the GP system to take it', async () => ((await observed(system, 'message:QUESTION:OK')) === 1 ? true : undefined));
    await until('the crash', async () => (system.system.pids()['subgraph-messaging'] === undefined ? true : undefined));
    await system.system.relaunch('subgraph-messaging');
    const done = await until('the receipt after the restart', async () => {
      const t = await thread(system, ref);
      return t && t.messages[0].status !== 'QUEUED' ? t : undefined;
    });
    // Sent twice, held once: the second time the GP system answered the same AppRec and stored nothing.
    expect(await observed(system, 'message:received')).toBe(2);
    expect(await observed(system, 'message:repeat')).toBe(1);
    expect(await observed(system, 'message:QUESTION:OK')).toBe(1);
    expect(done.messages.filter((m: any) => m.id === id)).toHaveLength(1);
    expect(['DELIVERED', 'ANSWERED']).toContain(done.messages[0].status);
  }, 90_000);
});

describe('every process stopped and started again', () => {
  it('delivers a message QUEUED before, once, after the restart', async () => {
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/outbox-restart-`);
    const files = { OUTBOX_FILE: `${dir}/outbox.jsonl`, AUDIT_LOG_FILE: `${dir}/access-log.jsonl` };
    const first = await TestSystem.start({ sourceTimeoutMs: 3000, env: { ...FAST, ...files, SIM_BEHAVIOUR: JSON.stringify({ 'gp-nordlys-vest': { mode: 'down' } }) } });
    let ref: string;
    try {
      const sent = await first.query<any>(SEND, { input: input('Før omstart') }, 'home-care-nurse');
      expect(sent.body.data.sendMessage.message.status).toBe('QUEUED');
      ref = sent.body.data.sendMessage.message.conversationRef;
    } finally {
      await first.stop();
    }
    const second = await TestSystem.start({ sourceTimeoutMs: 3000, env: { ...FAST, ...files } });
    try {
      const done = await until('delivery after the restart', async () => {
        const t = await thread(second, ref);
        return t && t.messages[0].status !== 'QUEUED' ? t : undefined;
      });
      expect(['DELIVERED', 'ANSWERED']).toContain(done.messages[0].status);
      expect(await observed(second, 'message:received')).toBe(1);
    } finally {
      await second.stop();
    }
  }, 240_000);
});
