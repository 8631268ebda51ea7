import { demoPatient } from '../../simulators/population';
import { errorAt, TestSystem } from './harness';

/**
 * The gateway starts and serves while a subgraph is down (static composition): the missing subgraph costs
 * its own fields, health says which one is down, and the playground is served from the gateway itself.
 */
let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({ skipSubgraphs: ['care'] });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

describe('gateway with a subgraph down', () => {
  it('reports each subgraph in /health, and itself as degraded', async () => {
    const response = await fetch(system.system.healthUrl);
    expect(response.status).toBe(200);
    const health = (await response.json()) as { status: string; subgraphs: { name: string; status: string }[] };
    expect(health.status).toBe('degraded');
    expect(Object.fromEntries(health.subgraphs.map((s) => [s.name, s.status]))).toEqual({
      person: 'up',
      care: 'down',
      gp: 'up',
      hospital: 'up',
      national: 'up',
      record: 'up',
      messaging: 'up',
      welfare: 'up',
      research: 'up',
    });
  });

  it('stays live and ready: an optional subgraph down costs its fields, not the gateway', async () => {
    expect((await fetch(new URL('/health/live', system.system.gatewayUrl))).status).toBe(200);
    const ready = await fetch(new URL('/health/ready', system.system.gatewayUrl));
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });

  it("answers with every other subgraph's data and SUBGRAPH_UNAVAILABLE for the missing one", async () => {
    const response = await system.query<{ patient: Record<string, any> }>(
      `query($nin: String!) { patient(nin: $nin) { name { text } careRecord { municipality } gpRecord { office } summaryRecord { criticalInformation { text } } } }`,
      { nin: demoPatient('homeCare').nin },
    );
    const p = response.body.data?.patient;
    expect(p?.name.text).toBe('Ingrid Solheim');
    expect(p?.gpRecord.office).toBe('Nordnes legekontor');
    expect(p?.summaryRecord.criticalInformation).toHaveLength(1);
    expect(p?.careRecord ?? null).toBeNull();
    const error = response.body.errors?.find((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE');
    expect(error?.extensions).toEqual(expect.objectContaining({ subgraph: 'care' }));
    expect(JSON.stringify(response.body.errors)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|stacktrace/);
  });

  it('still answers the merged views, naming the sector whose subgraph is missing', async () => {
    const response = await system.query<{ patient: Record<string, any> }>(
      `query($nin: String!) { patient(nin: $nin) { medications { atc } sources { sourceId sector state errorCode } } }`,
      { nin: demoPatient('homeCare').nin },
    );
    const p = response.body.data?.patient;
    expect(p?.medications.length).toBeGreaterThan(3);
    expect(p?.sources).toEqual(
      expect.arrayContaining([{ sourceId: 'care-subgraph', sector: 'MUNICIPAL_CARE', state: 'UNAVAILABLE', errorCode: 'SUBGRAPH_UNAVAILABLE' }]),
    );
    expect(errorAt(response, ['patient', 'medications'])?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
  });

  it('serves the playground and its scripts from the gateway, with nothing from a CDN', async () => {
    const page = await fetch(system.system.playgroundUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string).filter((a) => !a.startsWith('data:'));
    expect(assets.length).toBeGreaterThanOrEqual(5);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      expect((await fetch(new URL(asset, system.system.playgroundUrl))).status).toBe(200);
    }
  });
});
