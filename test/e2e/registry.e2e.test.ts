import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_DIR } from '../../lib/config';
import { fromRoot } from '../../lib/repositoryRoot';
import { demoPatient } from '../../simulators/population';
import { TestSystem } from './harness';

/**
 * A new system in an existing sector, added through the registry alone: its adapter folder, its simulator
 * folder and the two configuration files, and nothing else in the repository. The system lives in a temporary
 * folder named by PATIENT_GRAPH_SYSTEM_ROOTS (as a vendor's own tree would); it is a second vendor's JSON care
 * export (built from the care-json adapter and simulator, under its own name), and Askøy is routed to a new
 * instance of it. The graph must route Astrid Kvamme's care record there and answer from it.
 */
const SYSTEM = 'care-json-next';
const INSTANCE = 'care-askoy-next';
let tmp: string;
let system: TestSystem;

/** The code the temporary folder builds on: the repository's sources (tsx) or what `npm run build` made. */
const codeRoot = () => (process.env.SYSTEM_RUNTIME === 'compiled' ? fromRoot('dist') : fromRoot());
const from = (...segments: string[]) => JSON.stringify(path.join(codeRoot(), ...segments));

function writeSystemFolders(root: string): void {
  const adapter = path.join(root, 'adapters', SYSTEM);
  const simulator = path.join(root, 'simulators', SYSTEM);
  mkdirSync(adapter, { recursive: true });
  mkdirSync(simulator, { recursive: true });
  // Plain CommonJS, so that the same files load under tsx and in a compiled run.
  writeFileSync(
    path.join(adapter, 'manifest.js'),
    `const { manifest } = require(${from('adapters', 'care-json', 'manifest')});
exports.manifest = { ...manifest, system: '${SYSTEM}', title: 'Municipal care record (a second vendor, REST/JSON)' };
`,
  );
  writeFileSync(
    path.join(adapter, 'index.js'),
    `const { createCareJsonAdapter } = require(${from('adapters', 'care-json', 'client')});
const { manifest } = require('./manifest');
exports.careJsonNext = { manifest, create: createCareJsonAdapter };
`,
  );
  writeFileSync(
    path.join(simulator, 'index.js'),
    `const { careJsonSimulator } = require(${from('simulators', 'care-json')});
exports.careJsonNextSimulator = { ...careJsonSimulator, system: '${SYSTEM}' };
`,
  );
}

function writeConfig(root: string): { sourcesFile: string; organisationsFile: string } {
  const sources = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'sources.json'), 'utf8')) as { instances: Record<string, Record<string, unknown>> };
  sources.instances[INSTANCE] = { system: SYSTEM, baseUrl: 'http://127.0.0.1:4129', options: { apiKey: 'dev-care-askoy-next-key', pageSize: 25 } };
  const orgs = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'organisations.json'), 'utf8')) as { municipalities: { name: string; careInstance: string | null }[] };
  const askoy = orgs.municipalities.find((m) => m.name === 'Askøy');
  if (!askoy) throw new Error('organisations.json has no Askøy');
  askoy.careInstance = INSTANCE;
  const sourcesFile = path.join(root, 'sources.json');
  const organisationsFile = path.join(root, 'organisations.json');
  writeFileSync(sourcesFile, JSON.stringify(sources, null, 2));
  writeFileSync(organisationsFile, JSON.stringify(orgs, null, 2));
  return { sourcesFile, organisationsFile };
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'patient-graph-registry-'));
  writeSystemFolders(tmp);
  const { sourcesFile, organisationsFile } = writeConfig(tmp);
  system = await TestSystem.start({ sourcesFile, env: { ORGANISATIONS_FILE: organisationsFile, PATIENT_GRAPH_SYSTEM_ROOTS: tmp } });
}, 120_000);

afterAll(async () => {
  await system?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('a system added through the registry alone', () => {
  it('is routed and answers: Askøy’s care record comes from the new system’s instance', async () => {
    const patient = demoPatient('askoyHomeCare');
    const response = await system.query<{
      patient: { careRecord: { services: { description: string }[] } | null; sources: { sourceId: string; sector: string; state: string }[] };
    }>(`query($nin: String!) { patient(nin: $nin) { careRecord { services { description } } sources { sourceId sector state } } }`, { nin: patient.nin });
    expect(response.body.errors).toBeUndefined();
    const { careRecord, sources } = response.body.data?.patient ?? { careRecord: null, sources: [] };
    // Every service the population gives her, as the new system's simulator serves it.
    expect(careRecord?.services.length).toBe(patient.careRecord?.services.length);
    expect(careRecord?.services.length).toBeGreaterThan(0);
    expect(sources.find((s) => s.sector === 'MUNICIPAL_CARE')).toEqual({ sourceId: INSTANCE, sector: 'MUNICIPAL_CARE', state: 'OK' });
    const stats = await system.stats();
    expect(stats[INSTANCE]?.requests).toBeGreaterThan(0);
    // The old Askøy instance is still configured, but no longer routed to.
    expect(stats['care-askoy']?.requests).toBe(0);
  });
});
