import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Kind, parse, type SelectionSetNode } from 'graphql';
import type { RequestContext } from '../lib/apolloDefaults';
import type { Logger } from '../lib/logger';

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

export type GatewayContext = RequestContext;

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
  ) {
    super({ url });
    // The default fetcher (make-fetch-happen) takes a per-request timeout.
    const fetcher = this.fetcher;
    this.fetcher = (input, init) => fetcher(input, { ...init, timeout: timeoutMs } as typeof init);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context?.requestId) request.http?.headers.set('x-request-id', context.requestId);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      const e = error as { code?: string; type?: string; message?: string };
      this.logger.warn({ subgraph: this.name, code: e.code ?? e.type, requestId: options.context?.requestId }, 'subgraph unavailable');
      return {
        data: nullEntities(options.request.query, options.request.variables),
        errors: [{ message: `The ${this.name} subgraph could not be reached`, extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.name } }],
      };
    }
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
