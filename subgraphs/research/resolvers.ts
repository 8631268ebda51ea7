import { createHmac } from 'node:crypto';
import { checkArguments } from '../../lib/argumentRules';
import { graphError } from '../../lib/errorCodes';
import type { PersonnelIdentity } from '../../lib/identity';
import { auditPseudonymKey } from '../../lib/secrets';
import { AGE_BANDS } from '../../research/facts';
import { definitionSchema, DIMENSIONS, INDICATORS, MEASURES, type AggregateDefinition, type Indicator } from '../../research/definition';
import { JobError, type JobState } from '../../research/jobs';
import { DISCLOSURE } from '../../research/protect';
import { requesterOf, type ResearchLogRecord } from '../../research/researchLog';
import type { SubgraphContext } from '../kit/createSubgraph';
import { researchRuntime } from './runtime';
import { questionBudgetSettings } from '../../research/questionBudget';
import { researchKey } from '../../lib/secrets';
import { todayInOslo } from '../../lib/osloTime';
import { approvedProjectFor, resourceTypesOf, type ResearchProject } from '../../research/bulk/projects';
import { exportTypes, openExportFile, type ExportJobInput, type ExportJobResult } from '../../research/exportJob';

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
  const done = job.status === 'COMPLETED';
  const exported = done && job.kind === 'export' ? (job.result as ExportJobResult) : null;
  const result = done && job.kind === 'aggregate' ? (job.result as Record<string, unknown> | null) : null;
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
    kind: job.kind === 'export' ? 'EXPORT' : 'AGGREGATE',
    export: exported
      ? { project: exported.project, transactionTime: exported.transactionTime, dates: exported.dates, persons: exported.persons, files: exported.files.map(({ sealed: _sealed, ...file }) => file) }
      : null,
  };
}

interface ExportInput {
  idempotencyKey: string;
  purpose: string;
  project: string;
  types?: string[] | null;
}

/** The project the reader's approval names (the rule researchExport has checked it is valid and theirs). */
function approvedProject(identity: PersonnelIdentity): ResearchProject {
  const project = identity.researchApproval ? approvedProjectFor(identity.researchApproval, todayInOslo()) : null;
  if (!project) throw graphError('FORBIDDEN', 'The approval names no approved project that is still valid', { rule: 'researchExport', reason: 'NO_PROJECT' });
  return project;
}

/** The project's recipient as the research log names it: organisation number and name. */
const recipientOf = (project: ResearchProject) => `${project.recipient.orgNumber} ${project.recipient.name}`;

/** What the research log records of an extract's release or of a file fetched: its files, to its recipient. */
function extractEvent(event: 'EXTRACT_RELEASED' | 'EXTRACT_FETCHED', ctx: SubgraphContext, identity: PersonnelIdentity, project: ResearchProject, job: JobState, files: ResearchLogRecord['files']) {
  return { event, requestId: ctx.requestId, requester: requesterOf(identity), project: project.approval, statedPurpose: null, jobId: job.id, definition: job.definition, recipient: recipientOf(project), files };
}

/** A released file or answer that cannot be logged is not released. */
const unlogged = (what: string) => () => {
  throw graphError('AUDIT_UNAVAILABLE', `The research log cannot be written now: ${what}; try again`);
};

const projectShown = (p: ResearchProject) => ({
  id: p.id,
  approval: p.approval,
  title: p.title,
  recipientOrgNumber: p.recipient.orgNumber,
  recipientName: p.recipient.name,
  validUntil: p.validUntil,
  variables: p.variables,
  resourceTypes: resourceTypesOf(p),
  dates: p.dates.mode,
});

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
      if (job.status === 'COMPLETED' && job.kind === 'export') {
        // The files an extract released (types, counts, digests), to its recipient: logged before the manifest is shown.
        const result = job.result as ExportJobResult;
        const project = approvedProject(identity);
        await log
          .append(extractEvent('EXTRACT_RELEASED', ctx, identity, project, job, result.files.map(({ sealed: _sealed, ...file }) => file)))
          .catch(unlogged('nothing is released unlogged'));
      } else if (job.status === 'COMPLETED') {
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
    researchProjects: (_: unknown, _args: unknown, ctx: SubgraphContext) => {
      const identity = personnel(ctx);
      const project = identity.role === 'RESEARCHER' && identity.researchApproval ? approvedProjectFor(identity.researchApproval, todayInOslo()) : null;
      return project ? [projectShown(project)] : [];
    },
    researchExportFile: async (_: unknown, args: { id: string; name: string }, ctx: SubgraphContext) => {
      checkArguments('Query', 'researchExportFile', args);
      const identity = personnel(ctx);
      const project = approvedProject(identity);
      const { engine, log } = researchRuntime();
      const job = await engine.get(args.id, requesterKey(identity)).catch(jobError);
      if (!job || job.kind !== 'export' || job.status !== 'COMPLETED') return null;
      const opened = openExportFile(job.result as ExportJobResult, researchKey(), args.name);
      if (!opened) return null;
      // Each fetch is logged with the recipient before the file leaves: what was fetched (its digest), by whom.
      const { type, name, count, sha256 } = opened.file;
      await log.append(extractEvent('EXTRACT_FETCHED', ctx, identity, project, job, [{ type, name, count, sha256 }])).catch(unlogged('the file is not released unlogged'));
      return opened.content;
    },
  },
  Mutation: {
    startExport: async (_: unknown, args: { input: ExportInput }, ctx: SubgraphContext) => {
      checkArguments('Mutation', 'startExport', args as unknown as Record<string, unknown>);
      const identity = personnel(ctx);
      const project = approvedProject(identity);
      const { idempotencyKey, purpose, project: asked } = args.input;
      if (asked !== project.id) throw graphError('FORBIDDEN', "The approval names another project: an extract is made for the reader's own project", { rule: 'researchExport', reason: 'NOT_THE_PROJECT', argument: 'input.project' });
      let types: string[];
      try {
        types = exportTypes(project, args.input.types ?? []);
      } catch (error) {
        throw graphError('BAD_USER_INPUT', (error as Error).message, { argument: 'input.types' });
      }
      const { engine, log } = researchRuntime();
      const requester = requesterKey(identity);
      const started = await engine.start({ kind: 'export', requester, idempotencyKey, definition: { project: project.id, types } satisfies ExportJobInput }).catch(jobError);
      if (!started.replayed) {
        await log
          .append({
            event: 'EXTRACT_REQUESTED',
            requestId: ctx.requestId,
            requester: requesterOf(identity),
            project: project.approval,
            statedPurpose: purpose,
            jobId: started.job.id,
            definition: { project: project.id, types, variables: project.variables, dates: project.dates, cohort: project.cohort },
            recipient: recipientOf(project),
          })
          .catch(async () => {
            await engine.cancel(started.job.id, requester).catch(() => null);
            throw graphError('AUDIT_UNAVAILABLE', 'The research log cannot be written now: the extract was not started; try again');
          });
      }
      return { job: shown(started.job), replayed: started.replayed };
    },
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
      const { engine, log, questions } = researchRuntime();
      const requester = requesterKey(identity);
      // A new question counts against the project's budget of distinct questions; the same question again is free.
      if (!(await questions.take(requester, definition))) {
        const { perPeriod, periodMs } = questionBudgetSettings();
        throw graphError('QUESTION_BUDGET_SPENT', `This project has asked ${perPeriod} different questions in the last ${Math.round(periodMs / 86_400_000)} days, as many as one may: the same questions again are answered, new ones later`);
      }
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
