import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Kind, parse, type SelectionSetNode } from 'graphql';
import type { Logger } from '../lib/logger';

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

export interface GatewayContext {
  requestId: string;
}

/**
 * How the gateway talks to one subgraph: forwards the request id, and turns "the subgraph cannot be
 * reached" into a SUBGRAPH_UNAVAILABLE error for that subgraph's fields alone, instead of a raw network
 * error whose message shows internal addresses.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    private readonly logger: Logger,
  ) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context?.requestId) request.http?.headers.set('x-request-id', context.requestId);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      const code = (error as { code?: string; errno?: string }).code ?? (error as { errno?: string }).errno;
      if (typeof code === 'string' && /^E[A-Z]+/.test(code)) {
        this.logger.warn({ subgraph: this.name, code }, 'subgraph unreachable');
        return {
          data: nullEntities(options.request.query, options.request.variables),
          errors: [{ message: `The ${this.name} subgraph could not be reached`, extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.name } }],
        };
      }
      throw error;
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
