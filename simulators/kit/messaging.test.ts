import { instancesOf, loadOrganisations, loadSources, type InstanceConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { demoPatient, getPopulationIndex } from '../population';
import { gpKithSimulator } from '../gp-kith';
import { behaviourFromEnv } from './behaviour';
import { startControlServer } from './control';
import { dialogAnswer, replySubject, topicOf } from './dialogAnswer';
import { MessageStore, type HeldMessage } from './messageStore';
import { seedMessages } from './messageSeeds';
import { SimulatedInstance } from './SimulatedInstance';

/**
 * The simulator kit's messaging (issue 15): a message id taken once, the seeds an instance holds, the answer a
 * service writes, and the answer delay as the environment and the control API set it.
 */
const population = getPopulationIndex();
const orgs = loadOrganisations();
const configured = new Map(instancesOf(loadSources()).map((i) => [i.id, i]));
const logger = createLogger('test');

const message = (over: Partial<HeldMessage> = {}): HeldMessage => ({
  id: 'm-1',
  conversationRef: 'm-1',
  inReplyTo: null,
  kind: 'QUESTION',
  sentAt: '2026-11-02T09:00:00Z',
  sender: { herId: '81302', service: 'Hjemmesykepleien sone sør', orgNumber: null, hprNumber: null, name: null },
  recipient: { herId: '81241', service: 'Nordnes legekontor', orgNumber: null, hprNumber: null, name: null },
  subject: 'Emne',
  text: 'Tekst',
  patientNin: '03864013065',
  ...over,
});

describe('MessageStore', () => {
  it('takes a message id from a sender once: the first receipt again, nothing stored twice; another sender’s same id is another message', () => {
    const store = new MessageStore();
    let handled = 0;
    const take = (sender: string) => store.take(sender, 'm-1', () => ((handled += 1), { receipt: { n: handled }, message: message({ sender: { ...message().sender, herId: sender } }) }));
    expect(take('81302')).toEqual({ receipt: { n: 1 }, repeated: false, message: expect.objectContaining({ id: 'm-1' }) });
    expect(take('81302')).toEqual({ receipt: { n: 1 }, repeated: true, message: null });
    expect(handled).toBe(1);
    expect(store.all()).toHaveLength(1);
    expect(take('81303').receipt).toEqual({ n: 2 });
  });

  it('remembers a refusal as well (the same refusal again), storing nothing', () => {
    const store = new MessageStore();
    store.take('81302', 'm-2', () => ({ receipt: 'refused', message: null }));
    expect(store.take('81302', 'm-2', () => ({ receipt: 'taken', message: message({ id: 'm-2' }) }))).toMatchObject({ receipt: 'refused', repeated: true });
    expect(store.all()).toEqual([]);
  });

  it('lists a patient’s messages oldest first; reset gives the seeds back and cancels pending answers', async () => {
    const store = new MessageStore(() => [message({ id: 'seed', sentAt: '2026-10-01T08:00:00Z' })]);
    store.add(message({ id: 'later', sentAt: '2026-11-03T08:00:00Z' }));
    store.add(message({ id: 'earlier', sentAt: '2026-10-15T08:00:00Z' }));
    expect(store.forPatient('03864013065').map((m) => m.id)).toEqual(['seed', 'earlier', 'later']);
    let ran = false;
    store.later(20, () => (ran = true));
    expect(store.pending).toBe(1);
    store.reset();
    await new Promise((r) => setTimeout(r, 40));
    expect([ran, store.pending, store.all().map((m) => m.id)]).toEqual([false, 0, ['seed']]);
  });
});

describe('seeded messages', () => {
  const seeds = (id: string) => seedMessages({ instance: configured.get(id) as InstanceConfig, orgs, population });

  it('each instance holds the threads its services sent or received, with the same ids on both sides', () => {
    const kjell = demoPatient('nursingHome');
    const atCare = seeds('care-trondheim').filter((m) => m.patientNin === kjell.nin);
    const atGp = seeds('gp-fjord-midt').filter((m) => m.patientNin === kjell.nin);
    expect(atCare.map((m) => m.id)).toEqual(atGp.map((m) => m.id));
    expect(atCare.map((m) => m.kind)).toEqual(['QUESTION', 'ANSWER']);
    expect(seeds('hospital-haukeland').map((m) => [m.kind, m.patientNin])).toEqual([['NOTE', demoPatient('homeCare').nin]]);
    expect(seeds('gp-nordlys-vest')).toEqual([]);
    // Ingrid Solheim's spironolactone is the demo's to send.
    expect(seeds('care-bergen').some((m) => /spironolakton/i.test(`${m.subject} ${m.text}`))).toBe(false);
  });
});

describe('the answer a service writes', () => {
  const ingrid = demoPatient('homeCare');

  it('answers about the question’s topic in Norwegian, in the voice of the service asked, signed', () => {
    expect(topicOf({ subject: 'Warfarin', text: 'Skal dosen endres?' }, ingrid)).toEqual({ kind: 'medicine', name: 'warfarin' });
    expect(topicOf({ subject: 'Fall i natt', text: 'Hun falt på badet.' }, ingrid)).toEqual({ kind: 'fall' });
    expect(topicOf({ subject: 'Vekt', text: 'Økt ødem i beina.' }, ingrid)).toEqual({ kind: 'fluid' });
    expect(topicOf({ subject: 'Hei', text: 'Et spørsmål.' }, ingrid)).toEqual({ kind: 'other' });
    const gp = dialogAnswer({ subject: 'Warfarin', text: 'Skal dosen endres?' }, 'GP_OFFICE', { herId: '81241', service: 'Nordnes legekontor', orgNumber: null, hprNumber: '9217889', name: 'Siri Kristoffersen' }, ingrid);
    expect(gp.subject).toBe('Sv: Warfarin');
    expect(gp.text).toMatch(/^Takk for beskjeden om warfarin\./);
    expect(gp.text).toMatch(/Vennlig hilsen Siri Kristoffersen, Nordnes legekontor$/);
    const care = dialogAnswer({ subject: 'Time', text: 'Hun har kontroll på sykehuset.' }, 'MUNICIPAL_CARE', { herId: '81302', service: 'Hjemmesykepleien sone sør', orgNumber: null, hprNumber: null, name: null }, ingrid);
    expect(care.text).toMatch(/besøksplanen[\s\S]*Vennlig hilsen Hjemmesykepleien sone sør$/);
    expect(replySubject('Sv: Warfarin')).toBe('Sv: Warfarin');
  });
});

describe('the answer delay', () => {
  it('comes from SIM_ANSWER_DELAY_MS (default 2 s) and SIM_BEHAVIOUR, and refuses a delay that is no whole number', () => {
    expect(behaviourFromEnv(['a'], {}).get('a')).toEqual({ mode: 'normal', latencyMs: 0, answerDelayMs: 2000 });
    expect(behaviourFromEnv(['a', 'b'], { SIM_ANSWER_DELAY_MS: '100', SIM_BEHAVIOUR: '{"b":{"answerDelayMs":0}}' })).toEqual(
      new Map([
        ['a', { mode: 'normal', latencyMs: 0, answerDelayMs: 100 }],
        ['b', { mode: 'normal', latencyMs: 0, answerDelayMs: 0 }],
      ]),
    );
    expect(() => behaviourFromEnv(['a'], { SIM_ANSWER_DELAY_MS: 'soon' })).toThrow(/SIM_ANSWER_DELAY_MS/);
  });

  it('is set per instance through the control API, which counts the messages held and resets them to the seeds', async () => {
    const instance = configured.get('gp-fjord-midt') as InstanceConfig;
    const sim = new SimulatedInstance(gpKithSimulator, { instance, orgs, population }, { mode: 'normal', latencyMs: 0, answerDelayMs: 2000 }, logger);
    await sim.start(0);
    const control = await startControlServer(new Map([[sim.id, sim]]), new Map([[sim.id, { ...sim.behaviour }]]), 0, logger);
    try {
      const put = await fetch(`${control.url}/instances/${sim.id}/behaviour`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ answerDelayMs: 100 }) });
      expect((await put.json()).behaviour).toEqual({ mode: 'normal', latencyMs: 0, answerDelayMs: 100 });
      const bad = await fetch(`${control.url}/instances/${sim.id}/behaviour`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ answerDelayMs: -1 }) });
      expect(bad.status).toBe(400);
      const seeded = sim.messages.all().length;
      sim.messages.add(message({ id: 'extra' }));
      expect(await (await fetch(`${control.url}/instances/${sim.id}/messages`)).json()).toEqual({ held: seeded + 1, pendingAnswers: 0 });
      await fetch(`${control.url}/reset`, { method: 'POST' });
      expect([sim.messages.all().length, sim.behaviour.answerDelayMs]).toEqual([seeded, 2000]);
    } finally {
      await control.close();
      await sim.close();
    }
  });
});
