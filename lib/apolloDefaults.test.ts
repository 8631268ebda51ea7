import { ApolloServer } from '@apollo/server';
import { Writable } from 'node:stream';
import pino from 'pino';
import { apolloDefaults, safeError, type RequestContext } from './apolloDefaults';
import { graphError } from './errorCodes';

describe('errors leaving a server', () => {
  it('pass a registered code through, with identity numbers masked and no stack trace', () => {
    const formatted = safeError({
      message: 'Variable "$nin" got invalid value ["03864013065"]',
      extensions: { code: 'BAD_USER_INPUT', stacktrace: ['at x (y.ts:1:1)'] },
    });
    expect(formatted).toEqual({ message: 'Variable "$nin" got invalid value ["[redacted]"]', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('turn anything unregistered into a bare INTERNAL_SERVER_ERROR', () => {
    expect(safeError({ message: 'Cannot read properties of undefined (reading nin)', path: ['patient'], extensions: { code: 'SOMETHING' } })).toEqual({
      message: 'Internal server error',
      path: ['patient'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('log an internal error under the request id and give the client that id, nothing more', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const server = new ApolloServer<RequestContext>({
      typeDefs: 'type Query { broken: String  slow: String }',
      resolvers: {
        Query: {
          broken: () => {
            throw new TypeError('secret detail 03864013065');
          },
          slow: () => {
            throw graphError('SOURCE_TIMEOUT', 'care-bergen did not answer within 3000 ms', { source: 'care-bergen' });
          },
        },
      },
      ...apolloDefaults<RequestContext>(logger),
    });
    await server.start();
    const response = await server.executeOperation({ query: '{ broken slow }' }, { contextValue: { requestId: 'req-12345678' } });
    await server.stop();
    const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
    expect(result?.errors).toEqual([
      { message: 'Internal server error', path: ['broken'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-12345678' } },
      expect.objectContaining({ message: 'care-bergen did not answer within 3000 ms', extensions: { source: 'care-bergen', code: 'SOURCE_TIMEOUT' } }),
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('req-12345678');
    expect(lines[0]).toContain('secret detail');
    expect(lines[0]).not.toContain('03864013065');
  });
});
