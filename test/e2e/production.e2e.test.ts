import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DevIdentityProvider } from '../../gateway/devIdp/DevIdentityProvider';

/**
 * With NODE_ENV=production there are no development defaults: the gateway refuses to start with the
 * development identity provider or without its identity providers and keys, and it refuses the development
 * provider's tokens.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const DEV_DEFAULTED = [...new Set([...readFileSync(path.join(ROOT, 'config', 'sources.json'), 'utf8').matchAll(/\$\{([A-Z0-9_]+):-dev-[^}]*\}/g)].map((m) => m[1] as string))];
const keyPair = generateKeyPairSync('ed25519');

const PRODUCTION: Record<string, string> = {
  NODE_ENV: 'production',
  PORT: '0',
  LOG_LEVEL: 'info',
  HELSEID_ISSUER: 'https://helseid-sts.test.nhn.no',
  HELSEID_JWKS_URL: 'https://helseid-sts.test.nhn.no/.well-known/openid-configuration/jwks',
  IDPORTEN_ISSUER: 'https://test.idporten.no',
  IDPORTEN_JWKS_URL: 'https://test.idporten.no/jwks.json',
  INTERNAL_TOKEN_PRIVATE_KEY: JSON.stringify(keyPair.privateKey.export({ format: 'jwk' })),
  AUDIT_PSEUDONYM_KEY: randomBytes(32).toString('base64url'),
  AUDIT_LOG_FILE: path.join(ROOT, 'var', `production-test-${process.pid}.jsonl`),
  METRICS_TOKEN: randomBytes(24).toString('base64url'),
  DEV_SECRETS_FILE: path.join(ROOT, 'var', 'no-such-dev-secrets.json'),
  // Every credential and secret config/sources.json gives a development default (`${NAME:-dev-…}`).
  ...Object.fromEntries(DEV_DEFAULTED.map((name) => [name, randomBytes(24).toString('base64url')])),
};

interface Outcome {
  ready?: string;
  exitCode?: number | null;
  output: string;
  stop(): void;
}

/** Starts the gateway alone; resolves when it is ready (with its GraphQL URL) or has exited. */
function gateway(env: Record<string, string>): Promise<Outcome> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NODE_ENV|DEV_IDP|HELSEID_|IDPORTEN_|INTERNAL_TOKEN_|AUDIT_|DATABASE_URL|METRICS_TOKEN)/.test(k) && !DEV_DEFAULTED.includes(k)));
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'gateway/main.ts'], { cwd: ROOT, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  return new Promise((resolve) => {
    child.on('message', (m: { type?: string; urls?: { graphql?: string } }) => {
      if (m.type === 'ready') resolve({ ready: m.urls?.graphql, output, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => resolve({ exitCode: code, output, stop: () => undefined }));
  });
}

const without = (name: string) => Object.fromEntries(Object.entries(PRODUCTION).filter(([k]) => k !== name));

describe('production mode', () => {
  it('refuses to start with the development identity provider', async () => {
    const outcome = await gateway({ ...PRODUCTION, DEV_IDP: 'on' });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.output).toMatch(/development identity provider \(DEV_IDP=on\) must not run with NODE_ENV=production/);
  }, 60_000);

  it('refuses to start without its identity providers or keys, naming what is missing', async () => {
    // A source's credential or change-notice secret too: no development value stands in for it.
    expect(DEV_DEFAULTED).toEqual(expect.arrayContaining(['HOSPITAL_HAUKELAND_CLIENT_SECRET', 'CARE_BERGEN_INVALIDATION_SECRET']));
    for (const variable of ['HELSEID_ISSUER', 'INTERNAL_TOKEN_PRIVATE_KEY', 'AUDIT_PSEUDONYM_KEY', 'CARE_BERGEN_INVALIDATION_SECRET', 'METRICS_TOKEN']) {
      const outcome = await gateway(without(variable));
      expect([variable, outcome.exitCode]).toEqual([variable, 1]);
      expect(outcome.output).toContain(variable);
      // A secret is named, never printed.
      expect(outcome.output).not.toContain(PRODUCTION.AUDIT_PSEUDONYM_KEY);
    }
  }, 120_000);

  it('starts when configured, and refuses the development provider\'s tokens', async () => {
    const outcome = await gateway(PRODUCTION);
    try {
      expect(outcome.ready).toBeDefined();
      const token = await (await DevIdentityProvider.load()).token('gp');
      const response = await fetch(outcome.ready as string, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { errors: { extensions: { reason: string } }[] }).errors[0]?.extensions.reason).toBe('unknown_issuer');
      // Nor does it serve the development provider's endpoints.
      expect((await fetch(new URL('/dev-idp/personas', outcome.ready).toString())).status).toBe(404);
      // Metrics only with the configured token.
      expect((await fetch(new URL('/metrics', outcome.ready))).status).toBe(401);
      expect((await fetch(new URL('/metrics', outcome.ready), { headers: { authorization: `Bearer ${PRODUCTION.METRICS_TOKEN}` } })).status).toBe(200);
    } finally {
      outcome.stop();
    }
  }, 60_000);
});
