import type { ApolloServerOptions, ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { errorCodes } from './errorCodes';
import type { Logger } from './logger';

// Nothing leaves the machine that the operator did not configure: Apollo's usage reporting, schema
// reporting and telemetry are off in code, whatever the environment says.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

/**
 * The options every Apollo Server here shares (gateway and subgraphs): no stack traces to clients, no
 * telemetry, no inline tracing, no CDN landing page, and one rule for errors: a registered code passes
 * through; anything else is logged and becomes a bare INTERNAL_SERVER_ERROR.
 */
export function apolloDefaults<C extends BaseContext>(
  logger: Logger,
  extraPlugins: ApolloServerPlugin<C>[] = [],
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
      ...extraPlugins,
    ],
    formatError: (formatted, error) => safeError(formatted, error, logger),
  };
}

export function safeError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && code in errorCodes && code !== 'INTERNAL_SERVER_ERROR') {
    const { stacktrace: _dropped, exception: _exception, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const original = unwrapResolverError(error);
  logger.error(
    { err: original instanceof Error ? { name: original.name, message: original.message, stack: original.stack } : String(original), path: formatted.path },
    'internal error',
  );
  // Generic message on purpose: internal messages can carry details a client must not see.
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
