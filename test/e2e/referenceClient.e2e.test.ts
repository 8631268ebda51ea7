import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { createPatientGraphClient } from '../../examples/src/createPatientGraphClient';
import { devTokens } from '../../examples/src/devToken';
import { PatientHeaderQuery, PatientSummaryQuery } from '../../examples/src/documents';
import { fromRoot } from '../../lib/repositoryRoot';
import { PUBLIC_SCHEMA_FILE, printPublicSchema } from '../../scripts/publicSchema';
import demoPatients from '../../simulators/population/demo-patients.json';
import { TestSystem } from './harness';

/**
 * The reference client in examples/ as a frontend team would build it: its generated code is what GraphQL
 * Code Generator makes of schema/public.graphql, it type-checks, and against the running system it reads a
 * demo patient with a token from the development identity provider, answering repeated queries from its
 * normalised cache. The gateway's introspection is schema/public.graphql.
 */
const run = promisify(execFile);
const bin = (name: string) => fromRoot('node_modules', '.bin', name);

let system: TestSystem;
let gateway: string;

beforeAll(async () => {
  system = await TestSystem.start();
  gateway = new URL(system.system.gatewayUrl).origin;
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

describe('schema/public.graphql', () => {
  it("is what the running gateway answers to introspection, descriptions and deprecations included", async () => {
    // Not `oneOf: true`: Apollo Gateway 2.14's planner does not know `__Type.isOneOf` and answers
    // INTERNAL_SERVER_ERROR to a query asking for it (the schema has no @oneOf input to show anyway).
    const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true });
    const response = await system.query<IntrospectionQuery>(query, {}, 'gp');
    expect(response.body.errors).toBeUndefined();
    expect(printPublicSchema(buildClientSchema(response.body.data as IntrospectionQuery))).toBe(readFileSync(PUBLIC_SCHEMA_FILE, 'utf8'));
  });
});

describe('reference client (examples/)', () => {
  it('has its generated code up to date with schema/public.graphql and its documents (`npm run examples:codegen`)', async () => {
    // --check generates in memory and fails when a file on disk differs; it writes nothing.
    await expect(run(bin('graphql-codegen'), ['--config', 'examples/codegen.ts', '--check'], { cwd: fromRoot() })).resolves.toBeDefined();
  }, 60_000);

  it('type-checks against the generated types', async () => {
    await expect(run(bin('tsc'), ['--noEmit', '-p', 'examples'], { cwd: fromRoot() })).resolves.toEqual({ stdout: '', stderr: '' });
  }, 120_000);

  it("reads a demo patient's summary with a development token, then answers the same query and a narrower one from its cache", async () => {
    const ingrid = demoPatients.patients.find((p) => p.key === 'homeCare');
    if (!ingrid) throw new Error('no homeCare demo patient');
    const requests: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      requests.push(String(init?.method ?? 'GET'));
      return fetch(input, init);
    };
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const client = createPatientGraphClient({ url: system.system.gatewayUrl, token: devTokens({ gateway, persona: 'gp' }), fetch: countingFetch });

      const first = await client.query(PatientSummaryQuery, { nin: ingrid.nin }).toPromise();
      expect(first.error?.networkError).toBeUndefined();
      expect(first.data?.patient?.name?.text).toBe(ingrid.name);
      expect(first.data?.patient?.municipality?.name).toBe(ingrid.municipality);
      expect(first.data?.patient?.medications?.length).toBeGreaterThan(0);
      expect(first.operation.context.meta?.cacheOutcome).toBe('miss');
      expect(requests).toEqual(['POST']);

      const again = await client.query(PatientSummaryQuery, { nin: ingrid.nin }).toPromise();
      expect(again.operation.context.meta?.cacheOutcome).toBe('hit');
      expect(again.data).toEqual(first.data);

      // Normalised, not a cache of whole answers: a query never sent before is read from the patient's record.
      const header = await client.query(PatientHeaderQuery, { nin: ingrid.nin }).toPromise();
      expect(header.operation.context.meta?.cacheOutcome).toBe('hit');
      expect(header.data?.patient?.name?.text).toBe(ingrid.name);
      expect(header.data?.patient?.generalPractitioner?.office?.name).toBe(first.data?.patient?.generalPractitioner?.office?.name);

      expect(requests).toEqual(['POST']);
      // graphcache warns when it meets a type it has no key for (createPatientGraphClient.ts `keys`).
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
