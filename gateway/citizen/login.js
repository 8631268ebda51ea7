// @ts-check
/**
 * Logging in, as one small module the rest of the page does not look inside: it offers the ways to log in,
 * logs in, and hands back an access token. The token lives in the page's memory only (never in localStorage,
 * sessionStorage or a cookie), so closing or reloading the page logs the citizen out.
 *
 * This one is the development identity provider's: the citizen picks a test person (a persona of kind CITIZEN)
 * and the page asks `POST /dev-idp/token` for their token, as the playground does. The gateway answers that
 * only to callers on its own machine, and serves it only where the development identity provider is on.
 *
 * In production, replace this file with an ID-porten login (OpenID Connect authorization code flow with PKCE,
 * at level `idporten-loa-high`, usually through the service's own backend so the token never touches a URL)
 * that keeps the same three exports: `loginChoices`, `logIn`, `loginNote`. Nothing else changes: the gateway
 * already verifies ID-porten's tokens (IDPORTEN_* settings).
 */

/**
 * @typedef {{ id: string, label: string, hint: string }} LoginChoice
 * @typedef {{ accessToken: string, expiresAt: number }} Session
 */

/**
 * Who can log in here: the development identity provider's citizens, or none when it is off (production, where
 * this module is replaced).
 * @param {{ devLogin: boolean }} config
 * @returns {Promise<LoginChoice[]>}
 */
export async function loginChoices(config) {
  if (!config.devLogin) return [];
  const response = await fetch('/dev-idp/personas', { credentials: 'omit', cache: 'no-store' });
  if (!response.ok) throw new Error(`personas: HTTP ${response.status}`);
  /** @type {{ name: string, kind: string, displayName: string }[]} */
  const personas = await response.json();
  return personas
    .filter((p) => p.kind === 'CITIZEN')
    .map((p) => ({ id: p.name, label: p.displayName.replace(/\s*\(.*\)\s*$/, ''), hint: `Testperson ${p.name}` }));
}

/**
 * Logs in as the chosen citizen.
 * @param {string} choice
 * @returns {Promise<Session>}
 */
export async function logIn(choice) {
  const response = await fetch('/dev-idp/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ persona: choice }),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (!response.ok) throw new Error(`token: HTTP ${response.status}`);
  /** @type {{ access_token: string, expires_in: number }} */
  const body = await response.json();
  return { accessToken: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
}

/** What the login form says about itself. */
export const loginNote =
  'Dette er innlogging for utvikling og test, med testpersoner. I den virkelige tjenesten logger du inn med ID-porten (BankID, MinID eller Buypass).';
