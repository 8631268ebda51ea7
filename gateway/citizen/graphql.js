// @ts-check
/**
 * The page's one way to the graph: a POST to /graphql with the operation, its name and its variables in the
 * body, and the citizen's token in the Authorization header. Nothing is cached (the gateway says no-store too).
 */

/**
 * @typedef {{ message: string, path?: (string | number)[], extensions?: Record<string, any> }} GraphQLError
 * @typedef {{ status: number, data: any, errors: GraphQLError[] }} GraphQLResult
 */

/**
 * @param {() => string | null} token the current access token, kept in memory by the page
 */
export function graphqlClient(token) {
  /**
   * @param {string} query one of operations.js (generated from operations.graphql)
   * @param {string} operationName its name
   * @param {Record<string, unknown>} [variables]
   * @returns {Promise<GraphQLResult>}
   */
  return async function request(query, operationName, variables) {
    /** @type {Record<string, string>} */
    const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
    const current = token();
    if (current) headers.authorization = `Bearer ${current}`;
    let response;
    try {
      response = await fetch('/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, operationName, variables: variables ?? {} }),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      return { status: 0, data: null, errors: [{ message: 'Network error', extensions: { code: 'NETWORK_ERROR' } }] };
    }
    /** @type {{ data?: any, errors?: GraphQLError[] }} */
    let body = {};
    try {
      body = await response.json();
    } catch {
      body = { errors: [{ message: `HTTP ${response.status}`, extensions: { code: 'BAD_RESPONSE' } }] };
    }
    return { status: response.status, data: body.data ?? null, errors: body.errors ?? [] };
  };
}

/**
 * The errors at a path or below it: `errorsUnder(result, ['me', 'careTeam'])` is every error about the care team.
 * @param {GraphQLError[]} errors
 * @param {(string | number)[]} path
 */
export function errorsUnder(errors, path) {
  return errors.filter((e) => Array.isArray(e.path) && path.every((step, i) => e.path?.[i] === step));
}

/**
 * The error exactly at a path, if any: why a field is null.
 * @param {GraphQLError[]} errors
 * @param {(string | number)[]} path
 */
export function errorAt(errors, path) {
  return errors.find((e) => Array.isArray(e.path) && e.path.length === path.length && path.every((step, i) => e.path?.[i] === step));
}

/**
 * True when a field was withheld because it would tell where a person with a strictly confidential address is.
 * @param {GraphQLError | undefined} error
 */
export function withheldForProtection(error) {
  return error?.extensions?.code === 'FORBIDDEN' && error.extensions.reason === 'STRICTLY_CONFIDENTIAL';
}
