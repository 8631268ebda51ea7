import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONFIG_DIR, interpolateEnv } from '../../lib/config';
import { REPOSITORY_ROOT } from '../../lib/repositoryRoot';
import { demoPatient, getPopulationIndex } from '../../simulators/population';
import { labResultsFor } from '../../simulators/lab-hl7/results';
import { nodeCommand } from '../../scripts/system';
import { TestSystem } from './harness';

/**
 * The HL7 v2 laboratory through the kit alone: Haukeland's laboratory (system lab-hl7, HL7 v2.5 over MLLP) is
 * connected by configuration (an instance in sources.json, `laboratoryInstance` in organisations.json) and
 * Ingrid Solheim's results reach the graph as `Patient.labResults`, in the timeline and in `sources`, under the
 * clinical-data rule; the conformance kit passes against the laboratory's simulator.
 */
let system: TestSystem;
let tmp: string;
let sourcesFile: string;
const LAB = 'lab-haukeland';

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'patient-graph-lab-'));
  const sources = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'sources.json'), 'utf8')) as { instances: Record<string, unknown> };
  sources.instances[LAB] = {
    system: 'lab-hl7',
    baseUrl: 'mllp://127.0.0.1:4161',
    options: { sendingFacility: 'PATIENT-GRAPH', receivingApplication: 'LIS', receivingFacility: 'HUS-MBF' },
  };
  const orgs = JSON.parse(readFileSync(path.join(CONFIG_DIR, 'organisations.json'), 'utf8')) as { hospitals: { name: string; laboratoryInstance?: string }[] };
  const haukeland = orgs.hospitals.find((h) => h.name.startsWith('Haukeland'));
  if (!haukeland) throw new Error('organisations.json has no Haukeland');
  haukeland.laboratoryInstance = LAB;
  const given = path.join(tmp, 'sources.json');
  const organisationsFile = path.join(tmp, 'organisations.json');
  writeFileSync(given, JSON.stringify(sources, null, 2));
  writeFileSync(organisationsFile, JSON.stringify(orgs, null, 2));
  system = await TestSystem.start({ sourcesFile: given, env: { ORGANISATIONS_FILE: organisationsFile } });
  // The same file with the simulators' actual addresses, for the conformance kit.
  const actual = interpolateEnv(sources) as { instances: Record<string, { baseUrl: string }> };
  for (const [id, instance] of Object.entries(actual.instances)) instance.baseUrl = system.system.simulatorUrls[id] ?? instance.baseUrl;
  sourcesFile = path.join(tmp, 'sources-actual.json');
  writeFileSync(sourcesFile, JSON.stringify(actual, null, 2));
}, 120_000);

afterAll(async () => {
  await system?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const QUERY = `query($nin: String!) {
  patient(nin: $nin) {
    labResults { id time code { system code display } value unit referenceLow referenceHigh abnormal }
    timeline { kind sector title }
    sources { sourceId sector state }
  }
}`;

type Answer = {
  patient: {
    labResults: { code: { system: string; code: string; display: string }; value: number; unit: string; referenceLow: number; referenceHigh: number; abnormal: boolean }[] | null;
    timeline: { kind: string; sector: string; title: string }[] | null;
    sources: { sourceId: string; sector: string; state: string }[];
  } | null;
};

describe('an HL7 v2 laboratory, through the kit alone', () => {
  const ingrid = demoPatient('homeCare');
  const expected = labResultsFor(getPopulationIndex().byNin.get(ingrid.nin)!);

  it('gives the demo patient’s results as Patient.labResults, in the timeline and in sources', async () => {
    expect(system.system.simulatorUrls[LAB]).toMatch(/^mllp:\/\/127\.0\.0\.1:\d+$/);
    const response = await system.query<Answer>(QUERY, { nin: ingrid.nin }, 'gp');
    expect(response.body.errors).toBeUndefined();
    const patient = response.body.data?.patient;
    expect(patient?.labResults?.map((r) => [r.code.system, r.code.code, r.code.display, r.value, r.unit, r.referenceLow, r.referenceHigh]).sort()).toEqual(
      expected.map((e) => ['urn:oid:2.16.578.1.12.4.1.1.7280', e.code, e.text, e.value, e.unit, e.low, e.high]).sort(),
    );
    expect(patient?.labResults?.filter((r) => r.abnormal).length).toBe(expected.filter((e) => e.flag !== 'N').length);
    expect(patient?.timeline?.filter((e) => e.kind === 'LAB_SAMPLE')).toEqual([
      { kind: 'LAB_SAMPLE', sector: 'HOSPITAL', title: `Laboratorieprøve: ${expected.map((e) => e.text).join(', ')}` },
    ]);
    expect(patient?.sources.find((s) => s.sourceId === LAB)).toEqual({ sourceId: LAB, sector: 'HOSPITAL', state: 'OK' });
    expect((await system.stats())[LAB]?.byRoute['MLLP QBP^Q11']).toBeGreaterThan(0);
  });

  it('is under the same access rules: a reader without a care relationship gets FORBIDDEN, and the laboratory is not asked', async () => {
    await system.reset();
    const response = await system.query<Answer>(QUERY, { nin: ingrid.nin }, 'nursing-home-doctor');
    expect(response.body.data?.patient?.labResults).toBeNull();
    expect(response.body.errors?.find((e) => e.path?.join('.') === 'patient.labResults')?.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'clinicalData' });
    expect((await system.stats())[LAB]?.requests).toBe(0);
  });

  it('names a failing laboratory next to a partial answer', async () => {
    await system.setBehaviour(LAB, { mode: 'fail' });
    try {
      const response = await system.query<Answer>(QUERY, { nin: ingrid.nin }, 'gp');
      expect(response.body.data?.patient?.labResults).toEqual([]);
      expect(response.body.errors?.find((e) => e.path?.join('.') === 'patient.labResults')?.extensions).toMatchObject({ code: 'SOURCE_UNAVAILABLE', source: LAB, partial: true });
      expect(response.body.data?.patient?.sources.find((s) => s.sourceId === LAB)?.state).toBe('UNAVAILABLE');
    } finally {
      await system.reset();
    }
  });

  it('passes the conformance kit', () => {
    const run = spawnSync(process.execPath, [...nodeCommand('scripts/conformance.ts', process.env.SYSTEM_RUNTIME === 'compiled' ? 'compiled' : 'tsx'), LAB, '--control', system.system.controlUrl], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, SOURCES_FILE: sourcesFile, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stdout).toMatch(/^ {2}conformant$/m);
    expect(run.status).toBe(0);
  }, 120_000);
});
