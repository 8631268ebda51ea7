import type { KeyObject } from 'node:crypto';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Kind, parse, type SelectionSetNode } from 'graphql';
import type { RequestContext } from '../lib/apolloDefaults';
import type { Identity } from '../lib/identity';
import { signInternalToken } from '../lib/internalToken';
import type { Logger } from '../lib/logger';
import { isConnectionReset, subgraphFetcher } from './subgraphFetcher';

export type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** What the person subgraph reports about each access decision it made (keyed by patient pseudonym). */
export interface ReportedDecision {
  /** The grounds that granted health data (`GP_LIST:923456783`, `EMERGENCY`, …); empty when refused. */
  grounds: string[];
  refusal: string | null;
}

export interface GatewayContext extends RequestContext {
  /** The verified reader. */
  identity: Identity;
  /** The decisions the person subgraph reported, by patient pseudonym, for the access log. */
  accessDecisions: Map<string, ReportedDecision>;
  /**
   * The consents in individual plans that the care subgraph reported granting a participant outside health care the
   * plan (`PLAN_CONSENT:<org>`), by patient pseudonym, for the access log.
   */
  planConsents?: Map<string, string[]>;
  /** The subgraphs the request's query plan calls (set when the plan is known; a hint to the subgraphs). */
  planSubgraphs?: readonly string[];
}

/**
 * How the gateway talks to one subgraph: forwards the request id, gives up after `timeoutMs` (a stuck
 * subgraph must not hold every request), and turns any failure to get an answer (refused, reset, timed
 * out, HTTP 5xx, not JSON) into SUBGRAPH_UNAVAILABLE for that subgraph's fields alone, instead of a raw
 * network error whose message shows internal addresses.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    timeoutMs: number,
    private readonly logger: Logger,
    private readonly signingKey: KeyObject,
  ) {
    super({ url, fetcher: subgraphFetcher(timeoutMs) as RemoteGraphQLDataSource['fetcher'] });
  }

  /**
   * Every subgraph call carries the gateway's internal token: the verified reader and the request id, signed
   * for this subgraph alone, for this one call (the subgraph refuses a token it has seen before).
   */
  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    if (!context?.identity || !context.requestId) throw new Error('a subgraph request without a verified reader');
    const token = await signInternalToken(this.signingKey, this.name, context.requestId, context.identity, context.planSubgraphs);
    request.http?.headers.set('authorization', `Bearer ${token}`);
    request.http?.headers.set('x-request-id', context.requestId);
  }

  /**
   * Keeps the access decisions the person subgraph reports, for the access log; clients never see them. Only
   * the person subgraph decides: what another subgraph might report is ignored.
   */
  override didReceiveResponse({ response, context }: { response: GatewayGraphQLResponse; context: GatewayContext }): GatewayGraphQLResponse {
    return takeReports(this.name, response, context);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      try {
        return await super.process(options);
      } catch (error) {
        // A kept-alive connection closed under the request: once more, on a new connection, with a new
        // token (each is good for one call). Safe: the graph only reads.
        if (!isConnectionReset(error)) throw error;
        this.logger.info({ subgraph: this.name, requestId: options.context?.requestId }, 'subgraph connection was reset; asking again');
        return await super.process(options);
      }
    } catch (error) {
      const e = error as { code?: string; type?: string; message?: string };
      this.logger.warn({ subgraph: this.name, code: e.code ?? e.type, requestId: options.context?.requestId }, 'subgraph unavailable');
      return unavailable(this.name, options.request);
    }
  }
}

/**
 * What a subgraph's answer tells the gateway alone, taken out of it: the access decisions the person subgraph
 * reports and the plan consents the care subgraph reports, kept in the context for the access log. What any
 * other subgraph might report is dropped. The same for a subgraph over HTTP and one in the gateway's process.
 */
export function takeReports(name: string, response: GatewayGraphQLResponse, context: GatewayContext | undefined): GatewayGraphQLResponse {
  const reported = name === 'person' ? response.extensions?.accessDecisions : undefined;
  delete response.extensions?.accessDecisions;
  if (reported && typeof reported === 'object' && context?.accessDecisions) {
    for (const [patient, decision] of Object.entries(reported as Record<string, ReportedDecision>)) context.accessDecisions.set(patient, decision);
  }
  const consents = name === 'care' ? response.extensions?.planConsents : undefined;
  delete response.extensions?.planConsents;
  if (context) keepPlanConsents(context, consents);
  return response;
}

/** The answer for a subgraph that could not be reached: its fields null, one SUBGRAPH_UNAVAILABLE error. */
export function unavailable(name: string, request: { query?: string; variables?: Record<string, unknown> }): GatewayGraphQLResponse {
  return {
    data: nullEntities(request.query, request.variables),
    errors: [{ message: `The ${name} subgraph could not be reached`, extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: name } }],
  };
}

/**
 * Keeps the plan consents the care subgraph reports (only that subgraph's, and only grounds of the form
 * `PLAN_CONSENT:<nine digits>`: a consent can add no other ground to the log), for the access log.
 */
export function keepPlanConsents(context: GatewayContext, reported: unknown): void {
  if (!reported || typeof reported !== 'object') return;
  for (const [patient, grounds] of Object.entries(reported as Record<string, unknown>)) {
    const valid = Array.isArray(grounds) ? grounds.filter((g): g is string => typeof g === 'string' && /^PLAN_CONSENT:\d{9}$/.test(g)) : [];
    if (valid.length === 0) continue;
    context.planConsents ??= new Map();
    context.planConsents.set(patient, [...new Set([...(context.planConsents.get(patient) ?? []), ...valid])]);
  }
}

/**
 * For an entity fetch to an unreachable subgraph: every entity with each field it was asked for set to
 * null. With the fields present (null) rather than absent, the gateway still hands the entities to
 * subgraphs that @require those fields, so the merged views answer with the other sectors' data and name
 * the missing sector, instead of vanishing with it.
 */
export function nullEntities(query: string | undefined, variables: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!query) return undefined;
  const operation = parse(query).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const entities = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (!entities || entities.kind !== Kind.FIELD || !entities.selectionSet) return undefined;
  const representations = (variables?.representations ?? []) as { __typename?: string }[];
  const fieldsFor = (typename: string | undefined) => fieldsOf(entities.selectionSet as SelectionSetNode, typename);
  return {
    _entities: representations.map((r) => ({
      __typename: r.__typename,
      ...Object.fromEntries(fieldsFor(r.__typename).filter((f) => f !== '__typename').map((f) => [f, null])),
    })),
  };
}

function fieldsOf(selectionSet: SelectionSetNode, typename: string | undefined): string[] {
  return selectionSet.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return [s.alias?.value ?? s.name.value];
    if (s.kind === Kind.INLINE_FRAGMENT && (!s.typeCondition || s.typeCondition.name.value === typename)) return fieldsOf(s.selectionSet, typename);
    return [];
  });
}
