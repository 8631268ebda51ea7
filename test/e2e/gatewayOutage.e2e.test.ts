import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoPatient } from '../../simulators/population';
import { TestSystem } from './harness';

/**
 * Subgraph outages of every kind at once: one not running (record), one answering HTTP 502 (national,
 * as a load balancer would), one that never answers (hospital). The patient still answers with what the
 * others have; each missing part is null with SUBGRAPH_UNAVAILABLE, and nothing waits forever.
 */
let system: TestSystem;
const fakes: http.Server[] = [];

async function fake(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  fakes.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

beforeAll(async () => {
  const badGateway = await fake((_req, res) => {
    res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
  });
  const hanging = await fake(() => undefined);
  system = await TestSystem.start({
    skipSubgraphs: ['record'],
    subgraphUrls: { national: badGateway, hospital: hanging },
    env: { SUBGRAPH_TIMEOUT_MS: '2000' },
  });
}, 120_000);

afterAll(async () => {
  await system?.stop();
  for (const server of fakes) {
    server.closeAllConnections();
    server.close();
  }
});

describe('gateway with subgraphs down, failing and hanging', () => {
  it('answers the first query with what the working subgraphs have, and names each missing subgraph once', async () => {
    const response = await system.query<{ patient: Record<string, any> }>(
      `query($nin: String!) { patient(nin: $nin) { name { text } gpRecord { office } careRecord { municipality }
        summaryRecord { criticalInformation { text } } hospitalRecords { hospital } medications { atc } sources { state } } }`,
      { nin: demoPatient('homeCare').nin },
    );
    expect(response.status).toBe(200);
    const p = response.body.data?.patient;
    expect(p).not.toBeNull();
    expect(p?.name.text).toBe('Ingrid Solheim');
    expect(p?.gpRecord.office).toBe('Nordnes legekontor');
    expect(p?.careRecord.municipality).toBe('Bergen kommune');
    expect(p?.summaryRecord).toBeNull();
    expect(p?.hospitalRecords).toBeNull();
    expect(p?.medications).toBeNull();
    expect(p?.sources).toBeNull();
    const unavailable = (response.body.errors ?? []).filter((e) => e.extensions?.code === 'SUBGRAPH_UNAVAILABLE').map((e) => e.extensions?.subgraph);
    expect(unavailable.sort()).toEqual(['hospital', 'national', 'record']);
    expect(JSON.stringify(response.body.errors)).not.toMatch(/502|Bad Gateway|127\.0\.0\.1|INTERNAL_SERVER_ERROR/);
  });
});
