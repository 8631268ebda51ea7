import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { FIRST_QUERY_FILE } from '../../gateway/playground';
import { demoPatientList } from '../../simulators/population/demoPatients';
import { getPopulation } from '../../simulators/population';
import { TestSystem } from './harness';

/**
 * Traces and metrics without personal data. The system runs with an OTLP endpoint (a collector this test
 * plays), reads every demo patient as a GP and as an emergency physician, and then: one trace runs from
 * the gateway through a subgraph to the adapter kit's read of a legacy system; and neither the spans the
 * processes export nor any process's /metrics holds an identity number or a patient's name.
 */
const received: string[] = [];
let collector: http.Server;
let system: TestSystem;

interface OtlpSpan {
  traceId: string;
  name: string;
  attributes?: { key: string; value: { stringValue?: string; intValue?: number } }[];
}
interface OtlpBody {
  resourceSpans?: { resource?: { attributes?: { key: string; value: { stringValue?: string } }[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

beforeAll(async () => {
  collector = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') received.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  system = await TestSystem.start({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' } });
}, 120_000);

afterAll(async () => {
  await system?.stop();
  collector?.close();
});

/** Every exported span with the service that exported it. */
function spans(): (OtlpSpan & { service: string })[] {
  return received.flatMap((text) =>
    ((JSON.parse(text) as OtlpBody).resourceSpans ?? []).flatMap((r) => {
      const service = r.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
      return (r.scopeSpans ?? []).flatMap((s) => (s.spans ?? []).map((span) => ({ ...span, service })));
    }),
  );
}

describe('traces and metrics', () => {
  const patients = demoPatientList(getPopulation());
  const names = getPopulation()
    .persons.filter((p) => patients.some((d) => d.nin === p.nin))
    .flatMap((p) => [p.givenName, p.familyName]);

  beforeAll(async () => {
    const query = readFileSync(FIRST_QUERY_FILE, 'utf8');
    for (const reader of ['gp', 'emergency-physician']) {
      for (const patient of patients) await system.query(query, { nin: patient.nin }, reader);
    }
    // The processes export in batches every 200 ms: wait until the adapter kit's reads have arrived.
    for (let i = 0; i < 100 && !spans().some((s) => s.name === 'source.read'); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
  }, 120_000);

  it('follow one request from the gateway through a subgraph to a legacy system read', () => {
    const all = spans();
    const reads = all.filter((s) => s.name === 'source.read');
    expect(reads.length).toBeGreaterThan(0);
    const traced = reads.find((read) => {
      const services = new Set(all.filter((s) => s.traceId === read.traceId).map((s) => s.service));
      return services.has('patient-graph-gateway') && [...services].some((s) => s.startsWith('patient-graph-subgraph-'));
    });
    expect(traced).toBeDefined();
    expect(traced?.attributes?.map((a) => a.key)).toEqual(expect.arrayContaining(['patient_graph.source', 'patient_graph.operation', 'patient_graph.keys']));
  });

  it('carry no identity number and no name in any exported span', () => {
    const text = received.join('\n');
    expect(text.length).toBeGreaterThan(1000);
    for (const patient of patients) expect([patient.key, text.includes(patient.nin)]).toEqual([patient.key, false]);
    expect(names.filter((name) => text.includes(`"${name}"`) || text.includes(` ${name} `))).toEqual([]);
  });

  it('count requests and errors by code, and carry no identity number or name in any /metrics', async () => {
    const processes = [system.system.gatewayUrl, ...Object.values(system.system.subgraphUrls)] as string[];
    const bodies = await Promise.all(processes.map((u) => system.metrics(u)));
    const gateway = bodies[0] ?? '';
    expect(gateway).toMatch(/patient_graph_graphql_requests_total\{outcome="(ok|partial)"\} [1-9]/);
    expect(gateway).toMatch(/patient_graph_graphql_errors_total\{code="FORBIDDEN"\} [1-9]/);
    expect(bodies.some((b) => /patient_graph_source_read_seconds_bucket\{/.test(b))).toBe(true);
    expect(bodies.some((b) => /patient_graph_cache_lookups_total\{/.test(b))).toBe(true);
    const all = bodies.join('\n');
    for (const patient of patients) expect([patient.key, all.includes(patient.nin)]).toEqual([patient.key, false]);
    expect(names.filter((name) => all.includes(name))).toEqual([]);
  });

  it('are served only to a scraper with the metrics token, on every process', async () => {
    const processes = [system.system.gatewayUrl, ...Object.values(system.system.subgraphUrls)] as string[];
    for (const base of processes) {
      for (const authorization of [undefined, 'Bearer wrong', 'Basic x']) {
        const response = await fetch(new URL('/metrics', base), { headers: authorization ? { authorization } : {} });
        expect([base, authorization, response.status]).toEqual([base, authorization, 401]);
        expect(await response.text()).not.toMatch(/patient_graph_/);
      }
    }
  });

  it('count the reads for a strictly confidential patient under the sector, never the instance that answered', async () => {
    const silje = getPopulation().persons.find((p) => p.addressProtection === 'STRICTLY_CONFIDENTIAL' && p.gpRecord && p.nin === demoPatientList(getPopulation()).find((d) => d.key === 'strictlyConfidential')?.nin);
    expect(silje).toBeDefined();
    const reads = async () => {
      const text = await system.metrics(system.system.subgraphUrls.gp as string);
      const count = (source: string) =>
        [...text.matchAll(new RegExp(`^patient_graph_source_reads_total\\{source="${source}",outcome="[A-Z_a-z]+"\\} (\\d+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
      return { instance: count('gp-nordlys-midt'), sector: count('gp'), text };
    };
    const before = await reads();
    const r = await system.query('query($nin: String!) { patient(nin: $nin) { gpRecord { consultations(last: 1) { time } } } }', { nin: silje?.nin }, 'emergency-physician');
    expect(r.body.errors).toBeUndefined();
    const after = await reads();
    // Her GP record was read (under the sector) and the instance's own series did not move.
    expect([after.instance - before.instance, after.sector - before.sector > 0]).toEqual([0, true]);
    expect(after.text).toMatch(/patient_graph_source_read_seconds_count\{source="gp"\} [1-9]/);
  });
});
