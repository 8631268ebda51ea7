import { startPrivateRedis, type PrivateRedis } from '../../scripts/privateRedis';
import { demoPatient } from '../../simulators/population';
import { TestSystem, type GraphQLResponse, type Reader } from './harness';

/**
 * The citizen blocks a named practitioner herself, and lifts the block (issue 16): written to the hospital that
 * holds her record (a FHIR Consent), effective at once for every reader on every gateway process, with the
 * source cache shared in Redis (the decision's hospital facts were cached before the block), logged, and
 * refused with a reason for what is not hers to block or lift.
 */
let redis: PrivateRedis;
let system: TestSystem;
let second: string;

beforeAll(async () => {
  redis = await startPrivateRedis();
  system = await TestSystem.start({
    sourceTimeoutMs: 3000,
    env: { SOURCE_CACHE: 'on', REDIS_URL: redis.url },
    extraGateways: [{ name: 'gateway-2', script: 'gateway/main.ts' }],
  });
  second = system.system.extraGatewayUrls['gateway-2']?.graphql as string;
}, 180_000);

afterAll(async () => {
  await system?.stop();
  await redis?.stop();
});

const ingrid = demoPatient('homeCare');
const hilde = demoPatient('blockedDocument');
/** Martin Aasen, cardiologist at Haukeland: Ingrid's hospital doctor (persona hospital-doctor). */
const AASEN = '5636150';

const SET = 'mutation($input: SetBlockInput!) { setBlock(input: $input) { blockId replayed } }';
const LIFT = 'mutation($input: LiftBlockInput!) { liftBlock(input: $input) { blockId replayed } }';
const BLOCKS = '{ me { blocks { id kind practitioner { hprNumber name { text } } organisation documentIds setByPatient since } } }';
const READ = 'query($nin: String!) { patient(nin: $nin) { name { text } medications { atc } } }';

let keys = 0;
const key = () => `block-${Date.now()}-${++keys}`;

async function readAs(url: string, reader: Reader, nin: string): Promise<GraphQLResponse<any>> {
  const token = await system.token(reader as Exclude<Reader, null>);
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: READ, variables: { nin } }) });
  return { status: response.status, body: (await response.json()) as GraphQLResponse<any>['body'] };
}

const reasonOf = (r: GraphQLResponse<any>) => r.body.errors?.find((e) => e.path?.[1] === 'medications')?.extensions?.reason ?? null;

describe('a block the citizen sets on a named practitioner', () => {
  it('refuses that practitioner at once on every gateway process, and lifting it lets him read again', async () => {
    const gateways = [system.system.gatewayUrl, second];
    // Before: he reads her medicines through both gateways (and the hospital's consents are now cached in Redis).
    for (const url of gateways) expect([url, reasonOf(await readAs(url, 'hospital-doctor', ingrid.nin))]).toEqual([url, null]);

    const set = await system.query<any>(SET, { input: { idempotencyKey: key(), kind: 'PRACTITIONER', hprNumber: AASEN } }, 'citizen-ingrid');
    expect(set.body.errors).toBeUndefined();
    const { blockId } = set.body.data.setBlock;
    for (const url of gateways) expect([url, reasonOf(await readAs(url, 'hospital-doctor', ingrid.nin))]).toEqual([url, 'BLOCKED_BY_PATIENT']);
    // Emergency access does not lift it either; another practitioner still reads.
    expect(reasonOf(await readAs(second, { persona: 'hospital-doctor', options: { purpose: 'ETREAT', reason: 'Akutt' } }, ingrid.nin))).toBe('BLOCKED_BY_PATIENT');
    expect(reasonOf(await readAs(second, 'gp', ingrid.nin))).toBeNull();

    const mine = await system.query<any>(BLOCKS, {}, 'citizen-ingrid');
    expect(mine.body.data.me.blocks).toEqual([
      expect.objectContaining({ id: blockId, kind: 'PRACTITIONER', practitioner: { hprNumber: AASEN, name: { text: 'Martin Aasen' } }, setByPatient: true, since: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }),
    ]);

    const lift = await system.query<any>(LIFT, { input: { idempotencyKey: key(), blockId } }, 'citizen-ingrid');
    expect(lift.body.data.liftBlock).toEqual({ blockId, replayed: false });
    for (const url of gateways) expect([url, reasonOf(await readAs(url, 'hospital-doctor', ingrid.nin))]).toEqual([url, null]);
    expect((await system.query<any>(BLOCKS, {}, 'citizen-ingrid')).body.data.me.blocks).toEqual([]);

    // Both actions are in her access log.
    const log = await system.query<any>('{ me { accessLog(last: 10) { action } } }', {}, 'citizen-ingrid');
    expect(log.body.data.me.accessLog.map((e: any) => e.action)).toEqual(expect.arrayContaining(['SET_BLOCK', 'LIFT_BLOCK']));
  });

  it('is set once per idempotency key, and a lift of a lifted block is a replay', async () => {
    const k = key();
    const first = await system.query<any>(SET, { input: { idempotencyKey: k, kind: 'PRACTITIONER', hprNumber: AASEN } }, 'citizen-ingrid');
    const again = await system.query<any>(SET, { input: { idempotencyKey: k, kind: 'PRACTITIONER', hprNumber: AASEN } }, 'citizen-ingrid');
    expect(again.body.data.setBlock).toEqual({ blockId: first.body.data.setBlock.blockId, replayed: true });
    const other = await system.query<any>(SET, { input: { idempotencyKey: k, kind: 'ORGANISATION', orgNumber: '964338531' } }, 'citizen-ingrid');
    expect([other.status, other.body.errors?.[0]?.extensions?.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
    const lk = key();
    const lifted = await system.query<any>(LIFT, { input: { idempotencyKey: lk, blockId: first.body.data.setBlock.blockId } }, 'citizen-ingrid');
    expect(lifted.body.data.liftBlock.replayed).toBe(false);
    const liftedAgain = await system.query<any>(LIFT, { input: { idempotencyKey: lk, blockId: first.body.data.setBlock.blockId } }, 'citizen-ingrid');
    expect(liftedAgain.body.data.liftBlock.replayed).toBe(true);
  });
});

describe('a block the citizen sets on one of her documents', () => {
  it("names the document by the hospital's id of it (`sourceId`, not the global `id`), as the block lists it", async () => {
    const read = await system.query<any>('{ me { hospitalRecords { documents { id sourceId } } } }', {}, 'citizen-ingrid');
    const document = read.body.data.me.hospitalRecords.flatMap((h: any) => h?.documents ?? [])[0];
    expect(document).toEqual({ id: expect.stringMatching(/^[A-Za-z]+$/), sourceId: expect.any(String) });
    expect(document.id).not.toBe(document.sourceId);
    const set = await system.query<any>(SET, { input: { idempotencyKey: key(), kind: 'DOCUMENT', documentId: document.sourceId } }, 'citizen-ingrid');
    expect(set.body.errors).toBeUndefined();
    const { blockId } = set.body.data.setBlock;
    const mine = await system.query<any>(BLOCKS, {}, 'citizen-ingrid');
    expect(mine.body.data.me.blocks).toEqual([expect.objectContaining({ id: blockId, kind: 'DOCUMENT', documentIds: [document.sourceId], setByPatient: true })]);
    const lift = await system.query<any>(LIFT, { input: { idempotencyKey: key(), blockId } }, 'citizen-ingrid');
    expect(lift.body.data.liftBlock).toEqual({ blockId, replayed: false });
    expect((await system.query<any>(BLOCKS, {}, 'citizen-ingrid')).body.data.me.blocks).toEqual([]);
  });
});

describe('what is not hers to block or lift is refused with the reason, and changes nothing', () => {
  it.each([
    ['a practitioner number that does not exist', 400, 'PRACTITIONER_UNKNOWN', 'input.hprNumber', { kind: 'PRACTITIONER', hprNumber: '1' }],
    ['a practitioner block without the number', 400, 'BAD_USER_INPUT', 'input.hprNumber', { kind: 'PRACTITIONER' }],
    ['an organisation number with a wrong check digit', 400, 'BAD_USER_INPUT', 'input.orgNumber', { kind: 'ORGANISATION', orgNumber: '964338532' }],
    ['an organisation the graph does not know', 400, 'ORGANISATION_UNKNOWN', 'input.orgNumber', { kind: 'ORGANISATION', orgNumber: '889640782' }],
    ['a document of someone else', 403, 'DOCUMENT_NOT_YOURS', 'input.documentId', { kind: 'DOCUMENT', documentId: 'HILDES' }],
  ])('%s: HTTP %d %s naming %s', async (_name, status, code, argument, over) => {
    const input: Record<string, unknown> = { idempotencyKey: key(), ...over };
    if (input.documentId === 'HILDES') {
      const hildes = await system.query<any>('{ me { hospitalRecords { documents { sourceId } } } }', {}, 'citizen-hilde');
      input.documentId = hildes.body.data.me.hospitalRecords[0].documents[0].sourceId;
    }
    const before = (await system.stats())['hospital-haukeland']?.observed?.['consent:created'] ?? 0;
    const r = await system.query<any>(SET, { input }, 'citizen-ingrid');
    expect([r.status, r.body.errors?.[0]?.extensions?.code, r.body.errors?.[0]?.extensions?.argument]).toEqual([status, code, argument]);
    expect((await system.stats())['hospital-haukeland']?.observed?.['consent:created'] ?? 0).toBe(before);
  });

  it('lifting a block she did not set (one the hospital registered): 403 BLOCK_NOT_YOURS; an unknown one: 400 BLOCK_NOT_FOUND', async () => {
    const registered = (await system.query<any>(BLOCKS, {}, 'citizen-hilde')).body.data.me.blocks.find((b: any) => !b.setByPatient);
    expect(registered).toBeDefined();
    const r = await system.query<any>(LIFT, { input: { idempotencyKey: key(), blockId: registered.id } }, 'citizen-hilde');
    expect([r.status, r.body.errors?.[0]?.extensions?.code]).toEqual([403, 'BLOCK_NOT_YOURS']);
    const unknown = await system.query<any>(LIFT, { input: { idempotencyKey: key(), blockId: 'no-such-block' } }, 'citizen-hilde');
    expect([unknown.status, unknown.body.errors?.[0]?.extensions?.code]).toEqual([400, 'BLOCK_NOT_FOUND']);
    // Her block still holds.
    expect(reasonOf(await readAs(second, 'blocked-practitioner', hilde.nin))).toBe('BLOCKED_BY_PATIENT');
  });

  it('health personnel cannot set a block for the patient (403 before planning)', async () => {
    const r = await system.query<any>(SET, { input: { idempotencyKey: key(), kind: 'PRACTITIONER', hprNumber: AASEN } }, 'gp');
    expect([r.status, r.body.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
  });
});
