import { createHmac } from 'node:crypto';
import { checkArguments } from '../../lib/argumentRules';
import { graphError } from '../../lib/errorCodes';
import type { PersonnelIdentity } from '../../lib/identity';
import { auditPseudonymKey } from '../../lib/secrets';
import { AGE_BANDS } from '../../research/facts';
import { definitionSchema, DIMENSIONS, INDICATORS, MEASURES, type AggregateDefinition, type Indicator } from '../../research/definition';
import { JobError, type JobState } from '../../research/jobs';
import { DISCLOSURE } from '../../research/protect';
import { requesterOf } from '../../research/researchLog';
import type { SubgraphContext } from '../kit/createSubgraph';
import { researchRuntime } from './runtime';

/**
 * Aggregates for research and quality work, as jobs (schema/research.graphql). The rule researchAggregate has admitted
 * the reader (a researcher under an approval, or administration) before any of these run. A job belongs to its
 * requester: the project and organisation that asked (an HMAC of them, never a name or number in the job).
 */

interface AggregateInput {
  idempotencyKey: string;
  purpose: string;
  indicator?: Indicator | null;
  measure?: string | null;
  groupBy?: string[] | null;
  filter?: Record<string, unknown> | null;
  margins?: boolean | null;
}

function personnel(ctx: SubgraphContext): PersonnelIdentity {
  const identity = ctx.access.identity;
  if (identity.kind !== 'PERSONNEL') throw graphError('FORBIDDEN', 'Aggregates are for personnel');
  return identity;
}

/** Who owns a job: the project (approval) or the administration, at the organisation, by its HPR number where any. */
function requesterKey(identity: PersonnelIdentity): string {
  const who = JSON.stringify([identity.issuer, identity.role, identity.researchApproval ?? null, identity.orgNumber, identity.childOrgNumber, identity.hprNumber]);
  return createHmac('sha256', auditPseudonymKey()).update(`research-requester\u0000${who}`).digest('base64url');
}

/** A job's error as GraphQL says it, with the job engine's code. */
function jobError(error: unknown): never {
  if (error instanceof JobError) {
    const code = error.code === 'JOB_NOT_FOUND' ? 'BAD_USER_INPUT' : error.code;
    throw graphError(code, error.message);
  }
  throw error;
}

function shown(job: JobState) {
  const { progress } = job;
  const result = job.status === 'COMPLETED' ? (job.result as Record<string, unknown> | null) : null;
  return {
    id: job.id,
    status: job.status,
    progress: { ...progress, share: progress.patientsTotal > 0 ? Math.min(1, progress.patientsDone / progress.patientsTotal) : job.status === 'COMPLETED' ? 1 : 0 },
    definition: JSON.stringify((job as JobState & { definition?: unknown }).definition ?? null),
    result,
    error: job.error,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    attempts: job.attempts,
  };
}

export const resolvers = {
  Query: {
    researchCatalogue: (_: unknown, _args: unknown, ctx: SubgraphContext) => ({
      dimensions: DIMENSIONS,
      ageBands: AGE_BANDS,
      measures: MEASURES,
      indicators: Object.entries(INDICATORS).map(([name, i]) => ({ name, title: i.title, population: i.population, numerator: i.numerator, measures: i.measures })),
      threshold: DISCLOSURE.threshold,
      noiseBound: DISCLOSURE.noiseBound,
      approval: personnel(ctx).researchApproval ?? null,
    }),
    researchJob: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
      checkArguments('Query', 'researchJob', args);
      const identity = personnel(ctx);
      const { engine, log } = researchRuntime();
      const job = await engine.get(args.id, requesterKey(identity)).catch(jobError);
      if (!job) return null;
      if (job.status === 'COMPLETED') {
        // Each release of an answer is logged: what was released (counts of cells), to whom, under which project.
        const cells = ((job.result as { cells?: { status: string }[] } | null)?.cells ?? []);
        await log
          .append({
            event: 'AGGREGATE_RELEASED',
            requestId: ctx.requestId,
            requester: requesterOf(identity),
            project: identity.researchApproval ?? null,
            statedPurpose: null,
            jobId: job.id,
            definition: (job as JobState & { definition?: unknown }).definition ?? null,
            cells: { published: cells.filter((c) => c.status === 'PUBLISHED').length, suppressed: cells.filter((c) => c.status !== 'PUBLISHED').length },
          })
          .catch(() => {
            throw graphError('AUDIT_UNAVAILABLE', 'The research log cannot be written now: nothing is released unlogged; try again');
          });
      }
      return shown(job);
    },
  },
  Mutation: {
    startAggregate: async (_: unknown, args: { input: AggregateInput }, ctx: SubgraphContext) => {
      checkArguments('Mutation', 'startAggregate', args as unknown as Record<string, unknown>);
      const identity = personnel(ctx);
      const { idempotencyKey, purpose, ...question } = args.input;
      const parsed = definitionSchema.safeParse({
        indicator: question.indicator ?? null,
        measure: question.measure ?? 'COUNT',
        groupBy: question.groupBy ?? [],
        filter: Object.fromEntries(Object.entries(question.filter ?? {}).filter(([, v]) => v !== null && v !== undefined)),
        margins: question.margins ?? true,
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw graphError('BAD_USER_INPUT', `Not a question research can ask: ${issue?.message ?? 'invalid'}`, { argument: `input.${(issue?.path ?? []).join('.')}` });
      }
      const definition: AggregateDefinition = parsed.data;
      const { engine, log } = researchRuntime();
      const requester = requesterKey(identity);
      const started = await engine.start({ kind: 'aggregate', requester, idempotencyKey, definition: { definition } }).catch(jobError);
      if (!started.replayed) {
        // Logged before the client hears of it; if the log cannot be written, the job is cancelled: nothing unlogged.
        await log
          .append({ event: 'AGGREGATE_REQUESTED', requestId: ctx.requestId, requester: requesterOf(identity), project: identity.researchApproval ?? null, statedPurpose: purpose, jobId: started.job.id, definition })
          .catch(async () => {
            await engine.cancel(started.job.id, requester).catch(() => null);
            throw graphError('AUDIT_UNAVAILABLE', 'The research log cannot be written now: the question was not asked; try again');
          });
      }
      return { job: shown(started.job), replayed: started.replayed };
    },
    cancelResearchJob: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
      checkArguments('Mutation', 'cancelResearchJob', args);
      const identity = personnel(ctx);
      const { engine, log } = researchRuntime();
      const job = await engine.cancel(args.id, requesterKey(identity)).catch(jobError);
      if (!job) return null;
      await log
        .append({ event: 'AGGREGATE_CANCELLED', requestId: ctx.requestId, requester: requesterOf(identity), project: identity.researchApproval ?? null, statedPurpose: null, jobId: job.id, definition: null })
        .catch(() => undefined);
      return shown(job);
    },
  },
};
