import { readFileSync } from 'node:fs';
import { TestSystem } from './harness';

/**
 * Aggregates for research and quality work (issue 21), through the gateway and real processes: a researcher under an
 * approval starts a job, follows it, and gets a table whose small cells are suppressed; without an approval, or as a
 * clinician, nothing; every question and every release in the research log, which names no patient.
 */
let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start({ sourceTimeoutMs: 5000 });
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
});
