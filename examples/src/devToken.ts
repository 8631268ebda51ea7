/**
 * A token from the gateway's development identity provider (gateway/devIdp): `POST /dev-idp/token` with
 * `{ "persona": "gp" }` answers `{ access_token, token_type: "Bearer", expires_in }`. It is served only where
 * the development identity provider runs (never with NODE_ENV=production) and only to callers on the same
 * machine: in production a client logs in with HelseID or ID-porten instead, and only this file changes.
 */
export interface DevTokenOptions {
  /** The gateway's origin, e.g. http://localhost:4000. */
  gateway: string;
  /** A persona (GET /dev-idp/personas lists them): `gp`, `home-care-nurse`, `citizen-ingrid`, … */
  persona: string;
  /** Emergency access: the reason stated (personnel personas only). */
  reason?: string;
  /** For a citizen persona: the person she acts for (an 11-digit number), as helsenorge.no lets her choose. */
  represents?: string;
}

interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/**
 * A token source for the client: fetches a token when first asked and again shortly before it expires
 * (development tokens live an hour), so a long-running client keeps working.
 */
export function devTokens(options: DevTokenOptions): () => Promise<string> {
  let current: { token: string; renewAt: number } | undefined;
  return async () => {
    if (current && Date.now() < current.renewAt) return current.token;
    const { gateway, ...body } = options;
    const response = await fetch(new URL('/dev-idp/token', gateway), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST /dev-idp/token answered ${response.status}: ${await response.text()}`);
    const answer = (await response.json()) as TokenResponse;
    current = { token: answer.access_token, renewAt: Date.now() + Math.max(0, answer.expires_in - 60) * 1000 };
    return current.token;
  };
}
