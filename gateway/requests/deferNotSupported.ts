import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { BREAK, Kind, parse, visit } from 'graphql';

const MENTIONS = /@\s*(defer|stream)\b/;

/**
 * `@defer` and `@stream` on the Apollo Gateway engine: Apollo Gateway plans no incremental delivery in
 * federation, and its schema has neither directive, so such an operation would be refused as an unknown
 * directive (GRAPHQL_VALIDATION_FAILED), which tells the client nothing about what to do. Refused here instead,
 * before planning, with HTTP 400 and DEFER_NOT_SUPPORTED: send it without them, or to the Hive Gateway engine,
 * which sends the deferred parts after the rest. Only texts that mention either are parsed (a text that does not
 * parse goes on, to be refused as it is).
 */
export function deferNotSupported(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const query = (req.body as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string' || !MENTIONS.test(query) || !usesDeferOrStream(query)) {
      next();
      return;
    }
    res.status(400).json({
      errors: [
        {
          message: '@defer and @stream are not supported by this gateway engine (Apollo Gateway): send the operation without them, or to the Hive Gateway engine',
          extensions: { code: 'DEFER_NOT_SUPPORTED' },
        },
      ],
    });
  };
}

function usesDeferOrStream(query: string): boolean {
  let found = false;
  try {
    visit(parse(query, { noLocation: true }), {
      Directive(node) {
        if (node.kind === Kind.DIRECTIVE && (node.name.value === 'defer' || node.name.value === 'stream')) {
          found = true;
          return BREAK;
        }
        return undefined;
      },
    });
  } catch {
    return false;
  }
  return found;
}
