import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { getOperationAST, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';

/**
 * Runs the gateway's Apollo Server plugins (limits, role pre-check, access log, error tidying) inside
 * Hive Gateway, so both engines apply one implementation of each rule rather than two that drift apart.
 * The hooks the gateway's plugins use are bridged:
 * - `didResolveOperation`, before execution (a throw refuses the request: its GraphQLError, with
 *   `extensions.http.status`, is the answer, and nothing is planned);
 * - `didEncounterErrors` and `willSendResponse`, after execution, on the result about to be sent (a plugin
 *   may replace it, as the access log does when it cannot write: AUDIT_UNAVAILABLE, HTTP 503).
 * Hooks about parsing, validation and HTTP are Hive's own (see createHiveGateway.ts).
 */
export interface BridgedRequest<C> {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | null | undefined;
  variables: Record<string, unknown> | undefined;
  contextValue: C;
}

type Listener = GraphQLRequestListener<never>;

export class ApolloPluginBridge<C extends object> {
  constructor(private readonly plugins: readonly ApolloServerPlugin<C>[]) {}

  /** Starts the plugins for one request; the result runs its hooks in order. */
  async start(request: BridgedRequest<C>) {
    const operation = getOperationAST(request.document, request.operationName) ?? undefined;
    const http = { status: undefined as number | undefined, headers: new Map<string, string>() };
    const requestContext = {
      schema: request.schema,
      document: request.document,
      operation,
      operationName: operation?.name?.value ?? null,
      request: { variables: request.variables ?? {}, operationName: request.operationName ?? undefined, http: undefined },
      contextValue: request.contextValue,
      source: undefined,
      queryHash: undefined,
      metrics: {},
      overallCachePolicy: undefined,
      response: { http, body: undefined as unknown },
    };
    const listeners: Listener[] = [];
    for (const plugin of this.plugins) {
      const listener = await plugin.requestDidStart?.(requestContext as never);
      if (listener) listeners.push(listener as Listener);
    }
    return {
      /** Runs every `didResolveOperation`; resolves to a refusal (the first thrown error) or undefined. */
      resolveOperation: async (): Promise<GraphQLError | undefined> => {
        try {
          for (const listener of listeners) await listener.didResolveOperation?.(requestContext as never);
          return undefined;
        } catch (error) {
          return error instanceof GraphQLError ? error : new GraphQLError('Internal server error', { originalError: error as Error });
        }
      },
      /** Runs `didEncounterErrors` and `willSendResponse` on the result; returns it as the plugins left it. */
      finish: async (result: ExecutionResult): Promise<{ result: ExecutionResult; status: number | undefined }> => {
        const errors = [...(result.errors ?? [])];
        if (errors.length) for (const listener of listeners) await listener.didEncounterErrors?.({ ...requestContext, errors } as never);
        const body = { kind: 'single' as const, singleResult: { ...result, errors: errors.length ? errors : undefined } };
        requestContext.response.body = body;
        for (const listener of listeners) await listener.willSendResponse?.({ ...requestContext, response: requestContext.response } as never);
        return { result: body.singleResult as ExecutionResult, status: http.status };
      },
    };
  }
}
