import { readFileSync } from 'node:fs';
import { getPopulation } from '../../simulators/population';
import { TestSystem } from './harness';

/**
 * Aggregates for research and quality work (issue 21), through the gateway and real processes: a researcher under an
 * approval starts a job, follows it, and gets a table whose small cells are suppressed; without an approval, or as a
 * clinician, nothing; every question and every release in the research log, which names no patient.
 */
let system: TestSystem;

beforeAll(async () => {
  // A small budget of distinct questions per project, to see it spent.
  system = await TestSystem.start({ sourceTimeoutMs: 5000, env: { RESEARCH_QUESTIONS_PER_PERIOD: '3' } });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const START = `mutation($input: AggregateInput!) { startAggregate(input: $input) { replayed job { id status progress { patientsDone patientsTotal share } } } }`;
const JOB = `query($id: ID!) { researchJob(id: $id) { id status attempts progress { patientsDone patientsTotal share sourcesDone sourcesTotal }
  result { method threshold noiseBound missingSectors cohortSize cells { municipality ageBand sex status suppression count value } }
  error { code message } } }`;

interface Cell {
  municipality: string | null;
  ageBand: string | null;
  sex: string | null;
  status: 'PUBLISHED' | 'SUPPRESSED';
  suppression: string | null;
  count: number | null;
  value: number | null;
}
interface Job {
  id: string;
  status: string;
  attempts: number;
  progress: { patientsDone: number; patientsTotal: number; share: number };
  result: { threshold: number; noiseBound: number; cohortSize: number; missingSectors: string[]; cells: Cell[] } | null;
  error: { code: string } | null;
}

async function finished(id: string, reader: Parameters<TestSystem['query']>[2] = 'researcher'): Promise<Job> {
  for (let i = 0; i < 600; i += 1) {
    const answer = await system.query<{ researchJob: Job }>(JOB, { id }, reader);
    expect(answer.body.errors).toBeUndefined();
    const job = answer.body.data!.researchJob;
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the job did not finish');
}

describe('aggregates for research', () => {
  it('by municipality, age band and sex, for a researcher under an approval: small cells suppressed, margins beside, the question and the release logged', async () => {
    const input = { idempotencyKey: `by-age-${Date.now()}`, purpose: 'Kartlegging av eldre pasienter i Vestland og Trøndelag', groupBy: ['MUNICIPALITY', 'AGE_BAND', 'SEX'] };
    const started = await system.query<{ startAggregate: { replayed: boolean; job: Job } }>(START, { input }, 'researcher');
    expect(started.body.errors).toBeUndefined();
    const { job } = started.body.data!.startAggregate;
    expect(started.body.data!.startAggregate.replayed).toBe(false);
    // The same key again is the same job.
    const again = await system.query<{ startAggregate: { replayed: boolean; job: Job } }>(START, { input }, 'researcher');
    expect(again.body.data!.startAggregate).toMatchObject({ replayed: true, job: { id: job.id } });

    const done = await finished(job.id);
    expect(done.status).toBe('COMPLETED');
    expect(done.progress.share).toBe(1);
    const { cells, threshold } = done.result!;
    expect(threshold).toBe(5);
    const published = cells.filter((c) => c.status === 'PUBLISHED');
    const suppressed = cells.filter((c) => c.status === 'SUPPRESSED');
    expect(published.length).toBeGreaterThan(0);
    expect(suppressed.some((c) => c.suppression === 'SMALL_CELL')).toBe(true);
    // No published cell under the threshold; a suppressed cell says nothing of its size.
    expect(published.every((c) => (c.count ?? 0) >= threshold)).toBe(true);
    expect(suppressed.every((c) => c.count === null && c.value === null)).toBe(true);
    // Margins: each municipality's total, each band's, and the grand total.
    expect(cells.some((c) => c.municipality === null && c.ageBand === null && c.sex === null)).toBe(true);
    expect(cells.some((c) => c.municipality === '4601' && c.ageBand === null && c.sex === null)).toBe(true);
    // A row of age bands (one municipality and sex) never has exactly one suppressed cell beside a published total.
    for (const m of ['4601', '4627', '5001'])
      for (const sex of ['FEMALE', 'MALE']) {
        const row = cells.filter((c) => c.municipality === m && c.sex === sex && c.ageBand !== null);
        const total = cells.find((c) => c.municipality === m && c.sex === sex && c.ageBand === null);
        expect(row).toHaveLength(6);
        if (total?.status === 'PUBLISHED') expect([m, sex, row.filter((c) => c.status === 'SUPPRESSED').length === 1]).toEqual([m, sex, false]);
      }
    expect(JSON.stringify(done)).not.toMatch(/\b\d{11}\b/);

    const log = readFileSync(system.system.researchLogFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = log.filter((r) => r.jobId === job.id);
    expect(mine.map((r) => r.event)).toEqual(expect.arrayContaining(['AGGREGATE_REQUESTED', 'AGGREGATE_RELEASED']));
    expect(mine.find((r) => r.event === 'AGGREGATE_REQUESTED')).toMatchObject({ project: 'REK 2026/104512', statedPurpose: input.purpose, requester: { role: 'RESEARCHER', purpose: 'HRESCH' } });
    expect(JSON.stringify(log)).not.toMatch(/\b\d{11}\b/);
  }, 180_000);

  it('a quality indicator for administration: the share of home-care patients with an unresolved medication discrepancy', async () => {
    const input = { idempotencyKey: `discrepancy-${Date.now()}`, purpose: 'Kvalitetsindikator for legemiddelavstemming', indicator: 'HOME_CARE_MEDICATION_DISCREPANCY', measure: 'SHARE', groupBy: ['MUNICIPALITY'] };
    const started = await system.query<{ startAggregate: { job: Job } }>(START, { input }, 'administrator');
    expect(started.body.errors).toBeUndefined();
    const done = await finished(started.body.data!.startAggregate.job.id, 'administrator');
    expect(done.status).toBe('COMPLETED');
    const values = done.result!.cells.filter((c) => c.status === 'PUBLISHED' && c.value !== null).map((c) => c.value!);
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Another requester does not see the administration's job.
    const other = await system.query<{ researchJob: Job | null }>(JOB, { id: done.id }, 'researcher');
    expect(other.body.data?.researchJob).toBeNull();
  }, 180_000);

  it('is refused without an approval, to a clinician, and for a question that could single a person out', async () => {
    const input = { idempotencyKey: 'refused-1', purpose: 'Test', groupBy: ['MUNICIPALITY'] };
    const noApproval = await system.query(START, { input }, { persona: 'researcher', options: { reason: null } });
    expect(noApproval.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', rule: 'researchAggregate', reason: 'NO_APPROVAL' });
    const clinician = await system.query(START, { input }, 'gp');
    expect(clinician.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const oneYear = await system.query(START, { input: { ...input, idempotencyKey: 'refused-2', filter: { ageBands: ['75-76'] } } }, 'researcher');
    expect(oneYear.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badKey = await system.query(START, { input: { ...input, idempotencyKey: 'no spaces allowed' } }, 'researcher');
    expect(badKey.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("counts a project's distinct questions: over its budget a new question is refused, one asked before is answered", async () => {
    const CANCEL = `mutation($id: ID!) { cancelResearchJob(id: $id) { status } }`;
    const ask = async (groupBy: string[], key: string) => {
      const answer = await system.query<{ startAggregate: { job: Job } }>(START, { input: { idempotencyKey: key, purpose: 'Budsjett', groupBy } }, 'researcher');
      const id = answer.body.data?.startAggregate.job.id;
      if (id) await system.query(CANCEL, { id }, 'researcher');
      return answer;
    };
    // The first test asked one question; two more spend the budget of three.
    expect((await ask(['SEX'], `budget-1-${Date.now()}`)).body.errors).toBeUndefined();
    expect((await ask(['AGE_BAND'], `budget-2-${Date.now()}`)).body.errors).toBeUndefined();
    const over = await ask(['MUNICIPALITY'], `budget-3-${Date.now()}`);
    expect(over.body.errors?.[0]?.extensions?.code).toBe('QUESTION_BUDGET_SPENT');
    expect(over.body.data?.startAggregate ?? null).toBeNull();
    // Asked before (with a new key): answered, and counted no more.
    expect((await ask(['SEX'], `budget-4-${Date.now()}`)).body.errors).toBeUndefined();
    // Administration has a budget of its own.
    const admin = await system.query(START, { input: { idempotencyKey: `budget-admin-${Date.now()}`, purpose: 'Budsjett', groupBy: ['MUNICIPALITY'] } }, 'administrator');
    expect(admin.body.errors).toBeUndefined();
  });
});

describe('a pseudonymised extract for an approved project, over FHIR Bulk Data', () => {
  const bulk = (path: string) => new URL(`/fhir/research${path}`, system.system.gatewayUrl).toString();
  const authorised = async (persona: Parameters<TestSystem['token']>[0], headers: Record<string, string> = {}) => ({ Authorization: `Bearer ${await system.token(persona)}`, ...headers });
  const kickOff = async (persona: Parameters<TestSystem['token']>[0], query = '', headers: Record<string, string> = { Prefer: 'respond-async', Accept: 'application/fhir+json' }) =>
    fetch(bulk(`/Group/rek-2026-104512/$export${query}`), { headers: await authorised(persona, headers) });
  const outcome = async (response: Response) => ((await response.json()) as { resourceType: string; issue: { code: string; details: { coding: { code: string }[] } }[] });

  it('kick-off, status with progress, a manifest and NDJSON files under the project pseudonym, with no identity number, name or protected place; all of it logged with the recipient', async () => {
    const started = await kickOff('researcher', '?_type=Patient,Condition,MedicationStatement&_outputFormat=application%2Ffhir%2Bndjson');
    expect(started.status).toBe(202);
    const status = started.headers.get('content-location')!;
    expect(status).toMatch(/\/fhir\/research\/\$export-status\/j[0-9a-f]{64}$/);

    let manifest: { transactionTime: string; request: string; requiresAccessToken: boolean; output: { type: string; url: string; count: number }[]; error: unknown[] } | null = null;
    const progress: string[] = [];
    for (let i = 0; i < 600 && !manifest; i += 1) {
      const answer = await fetch(status, { headers: await authorised('researcher') });
      if (answer.status === 202) {
        progress.push(answer.headers.get('x-progress') ?? '');
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, 200));
      } else {
        expect(answer.status).toBe(200);
        manifest = (await answer.json()) as typeof manifest;
      }
    }
    expect(progress.every((p) => /^\d+% \(\d+ of \d+ persons read\)$/.test(p))).toBe(true);
    expect(manifest).toMatchObject({ requiresAccessToken: true, error: [] });
    expect(manifest!.request).toContain('/Group/rek-2026-104512/$export?_type=Patient,Condition,MedicationStatement');
    expect(manifest!.output.map((o) => o.type).sort()).toEqual(['Condition', 'MedicationStatement', 'Patient']);

    // The cohort the project names: residents of Bergen (4601) aged 65 or more, none with a strictly confidential address.
    const today = new Date().toISOString().slice(0, 10);
    const age = (birth: string) => Number(today.slice(0, 4)) - Number(birth.slice(0, 4)) - (today.slice(5) < birth.slice(5) ? 1 : 0);
    const cohort = getPopulation().persons.filter((p) => p.municipality === '4601' && !p.deceasedDate && !['STRICTLY_CONFIDENTIAL', 'STRICTLY_CONFIDENTIAL_ABROAD'].includes(p.addressProtection) && age(p.birthDate) >= 65);

    const files: Record<string, Record<string, unknown>[]> = {};
    for (const output of manifest!.output) {
      expect(await fetch(output.url).then((r) => r.status)).toBe(401);
      const answer = await fetch(output.url, { headers: await authorised('researcher') });
      expect([answer.status, answer.headers.get('content-type')]).toEqual([200, expect.stringContaining('application/fhir+ndjson')]);
      const text = await answer.text();
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(output.count);
      expect(lines.every((r) => r.resourceType === output.type)).toBe(true);
      files[output.type] = [...(files[output.type] ?? []), ...lines];
      // No identity number, no name, no street address of anyone in the population.
      expect(text).not.toMatch(/\b\d{11}\b/);
    }
    const patients = files.Patient!;
    expect(patients).toHaveLength(cohort.length);
    expect(new Set(patients.map((p) => p.id)).size).toBe(patients.length);
    expect(patients.every((p) => !('name' in p) && !('identifier' in p) && !('telecom' in p) && /^\d{4}$/.test(String(p.birthDate)))).toBe(true);
    const all = JSON.stringify(files);
    for (const person of cohort.slice(0, 50)) {
      expect(all).not.toContain(person.nin);
      expect(all).not.toContain(`"${person.familyName}"`);
    }
    // Every other resource refers to a Patient of the extract.
    const ids = new Set(patients.map((p) => `Patient/${p.id as string}`));
    for (const type of ['Condition', 'MedicationStatement']) expect(files[type]!.every((r) => ids.has((r.subject as { reference: string }).reference))).toBe(true);
    expect(files.Condition!.length + files.MedicationStatement!.length).toBeGreaterThan(0);

    const log = readFileSync(system.system.researchLogFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const jobId = status.split('/').pop();
    const mine = log.filter((r) => r.jobId === jobId);
    expect(mine.map((r) => r.event)).toEqual(expect.arrayContaining(['EXTRACT_REQUESTED', 'EXTRACT_RELEASED', 'EXTRACT_FETCHED']));
    expect(mine.find((r) => r.event === 'EXTRACT_REQUESTED')).toMatchObject({ project: 'REK 2026/104512', recipient: expect.stringContaining('874789542') });
    expect(mine.filter((r) => r.event === 'EXTRACT_FETCHED')).toHaveLength(manifest!.output.length);
    expect(mine.find((r) => r.event === 'EXTRACT_RELEASED')?.files).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Patient', count: cohort.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]));
    expect(JSON.stringify(log)).not.toMatch(/\b\d{11}\b/);

    // Another requester (administration) neither sees the export nor gets its files.
    expect((await fetch(status, { headers: await authorised('administrator') })).status).toBe(404);
    expect((await fetch(manifest!.output[0]!.url, { headers: await authorised('administrator') })).status).toBe(403);
  }, 240_000);

  it('refuses, as OperationOutcomes: no Prefer: respond-async, parameters it does not support, another project, administration, a clinician, no approval, no token; and cancels', async () => {
    const noPrefer = await kickOff('researcher', '', { Accept: 'application/fhir+json' });
    expect(noPrefer.status).toBe(400);
    expect((await outcome(noPrefer)).resourceType).toBe('OperationOutcome');
    const since = await kickOff('researcher', '?_since=2026-01-01T00:00:00Z');
    expect([since.status, (await outcome(since)).issue[0]!.code]).toEqual([400, 'not-supported']);
    const otherType = await kickOff('researcher', '?_type=Observation');
    expect([otherType.status, (await outcome(otherType)).issue[0]!.details.coding[0]!.code]).toEqual([400, 'BAD_USER_INPUT']);
    const other = await fetch(bulk('/Group/rek-2025-000001/$export'), { headers: await authorised('researcher', { Prefer: 'respond-async' }) });
    expect([other.status, (await outcome(other)).issue[0]!.details.coding[0]!.code]).toEqual([403, 'FORBIDDEN']);
    for (const persona of ['administrator', 'gp'] as const) expect([persona, (await kickOff(persona)).status]).toEqual([persona, 403]);
    expect((await kickOff({ persona: 'researcher', options: { reason: null } })).status).toBe(403);
    expect((await fetch(bulk('/Group/rek-2026-104512/$export'), { headers: { Prefer: 'respond-async' } })).status).toBe(401);

    const started = await kickOff('researcher', '', { Prefer: 'respond-async', 'Idempotency-Key': `cancel-${Date.now()}` });
    expect(started.status).toBe(202);
    const status = started.headers.get('content-location')!;
    expect((await fetch(status, { method: 'DELETE', headers: await authorised('researcher') })).status).toBe(202);
    expect((await fetch(status, { headers: await authorised('researcher') })).status).toBe(404);
  }, 120_000);
});
