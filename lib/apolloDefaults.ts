import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
  ApolloServerPluginCacheControlDisabled,
} from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { errorCodes } from './errorCodes';
import { metrics } from './metrics';
import type { Logger } from './logger';
import { redactNins } from './nin';

// Nothing leaves the machine that the operator did not configure: Apollo's usage reporting, schema
// reporting and telemetry are off in code, whatever the environment says.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

export interface RequestContext extends BaseContext {
  /** Follows one request through every process's log; returned to the client with internal errors. */
  requestId: string;
}

function registered(code: unknown): code is keyof typeof errorCodes {
  return typeof code === 'string' && code in errorCodes && code !== 'INTERNAL_SERVER_ERROR';
}

/**
 * The options every Apollo Server here shares (gateway and subgraphs): no stack traces to clients, no
 * telemetry, no inline tracing, no CDN landing page, and one rule for errors: a registered code passes
 * through (its message with identity numbers masked); anything else is logged under the request id and
 * reaches the client as a bare INTERNAL_SERVER_ERROR carrying that id.
 */
export function apolloDefaults<C extends RequestContext>(
  logger: Logger,
  extraPlugins: ApolloServerPlugin<C>[] = [],
  { countRequests = true }: { countRequests?: boolean } = {},
): Pick<ApolloServerOptions<C>, 'plugins' | 'formatError' | 'includeStacktraceInErrorResponses' | 'stopOnTerminationSignals'> {
  return {
    includeStacktraceInErrorResponses: false,
    // The process's own runner (lib/service.ts) handles SIGINT/SIGTERM and stops the server once.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      // HTTP cache hints (@cacheControl) are not used: legacy answers are cached in the adapter kit, and no
      // response may be cached by a browser or a proxy. The plugin costs a walk of every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      internalErrorsPlugin<C>(logger),
      // A subgraph inside the gateway's process does not count: its requests are parts of the gateway's.
      ...(countRequests ? [requestMetricsPlugin<C>()] : []),
      ...extraPlugins,
    ],
    formatError: safeError,
  };
}

/**
 * An error Apollo Server raised about the request itself, without a code of ours but with a 4xx status
 * (a persisted-query hash that does not match its text, an unsupported persisted-query version): the
 * client's mistake, answered as BAD_REQUEST with Apollo's message, which quotes nothing the client sent.
 */
function clientMistake(error: unknown): boolean {
  const status = (error as GraphQLError | undefined)?.extensions?.http as { status?: number } | undefined;
  return typeof status?.status === 'number' && status.status >= 400 && status.status < 500;
}

export function safeError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  if (!registered(formatted.extensions?.code) && clientMistake(error)) {
    return { message: redactNins(formatted.message), extensions: { code: 'BAD_REQUEST' } };
  }
  if (registered(formatted.extensions?.code)) {
    const { stacktrace: _dropped, exception: _exception, ...extensions } = formatted.extensions ?? {};
    // Messages can quote the input (a variable's value in a coercion error): mask identity numbers.
    return { ...formatted, message: redactNins(formatted.message), extensions };
  }
  // Generic message on purpose: internal messages can carry details a client must not see.
  return { message: 'Internal server error', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** Logs every unregistered error with the request id, and hands the id to the client with the error. */
function internalErrorsPlugin<C extends RequestContext>(logger: Logger): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors as readonly GraphQLError[]) {
            if (registered(error.extensions?.code) || clientMistake(error)) continue;
            const original = unwrapResolverError(error);
            logger.error(
              {
                requestId: contextValue.requestId,
                path: error.path,
                err: original instanceof Error ? { name: original.name, message: redactNins(original.message), stack: redactNins(original.stack ?? '') } : String(original),
              },
              'internal error',
            );
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
          }
        },
      };
    },
  };
}

/**
 * Counts every answer by outcome and every error by its code, and times the request (GET /metrics). Only
 * codes and outcomes are labels: never an operation name, a field or anything a client sent.
 */
function requestMetricsPlugin<C extends RequestContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const stop = metrics().graphqlSeconds.startTimer();
      return {
        async willSendResponse({ response }) {
          stop();
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          countAnswer(data, errors);
        },
      };
    },
  };
}

/** Counts one answer in the request metrics (also used by the Hive gateway). */
export function countAnswer(data: unknown, errors: readonly { extensions?: Readonly<Record<string, unknown>> }[] | undefined): void {
  const m = metrics();
  m.graphqlRequests.inc({ outcome: !errors?.length ? 'ok' : data ? 'partial' : 'refused' });
  for (const error of errors ?? []) {
    const code = error.extensions?.code;
    m.graphqlErrors.inc({ code: typeof code === 'string' && (code in errorCodes || code === 'INTERNAL_SERVER_ERROR') ? code : 'OTHER' });
  }
}
