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
  GLOBAL_ID_KEY: randomBytes(32).toString('base64url'),
  // The live alerts' stream seals with the cache's keys.
  CACHE_KEY_SECRET: randomBytes(32).toString('base64url'),
  CACHE_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
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

/** What the subgraphs need beside the gateway's settings (a whole deployment's, for config:check). */
const SUBGRAPHS_TOO: Record<string, string> = {
  INTERNAL_TOKEN_PUBLIC_KEY: JSON.stringify(keyPair.publicKey.export({ format: 'jwk' })),
  ACCESS_GRANT_SECRET: randomBytes(32).toString('base64url'),
  CACHE_KEY_SECRET: randomBytes(32).toString('base64url'),
  CACHE_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
  OUTBOX_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
};

/** This shell's environment without anything a test here sets or leaves out. */
const clean = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(NODE_ENV|DEV_IDP|HELSEID_|IDPORTEN_|INTERNAL_TOKEN_|AUDIT_|GLOBAL_ID_KEY|DATABASE_URL|METRICS_TOKEN|ACCESS_GRANT_|CACHE_KEY_SECRET|CACHE_ENCRYPTION_KEYS|OUTBOX_ENCRYPTION_KEY|EMBEDDED_SUBGRAPHS)/.test(k) && !DEV_DEFAULTED.includes(k)),
  );

/** Starts the gateway (or another script) alone; resolves when it is ready (with its GraphQL URL) or has exited. */
function gateway(env: Record<string, string>, script = 'gateway/main.ts', args: string[] = []): Promise<Outcome> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', script, ...args], { cwd: ROOT, env: { ...clean(), ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += String(d)));
  child.stderr?.on('data', (d) => (output += String(d)));
  return new Promise((resolve) => {
    child.on('message', (m: { type?: string; urls?: { graphql?: string } }) => {
      if (m.type === 'ready') resolve({ ready: m.urls?.graphql, output, stop: () => child.kill('SIGTERM') });
    });
    // `close`, not `exit`: after the output is read to its end.
    child.on('close', (code) => resolve({ exitCode: code, output, stop: () => undefined }));
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

  it('names every missing setting in one message, and config:check prints the same without starting', async () => {
    const bare = { NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'info', DEV_SECRETS_FILE: PRODUCTION.DEV_SECRETS_FILE as string };
    const gatewayNeeds = ['HELSEID_ISSUER', 'IDPORTEN_ISSUER', 'INTERNAL_TOKEN_PRIVATE_KEY', 'AUDIT_PSEUDONYM_KEY', 'GLOBAL_ID_KEY', 'METRICS_TOKEN', 'CARE_BERGEN_INVALIDATION_SECRET', 'HOSPITAL_STOLAV_CLIENT_SECRET'];
    const refused = await gateway(bare);
    expect(refused.exitCode).toBe(1);
    for (const variable of gatewayNeeds) expect([variable, refused.output.includes(variable)]).toEqual([variable, true]);
    // A subgraph alike: messaging needs its outbox key, the token key and the grant secret beside the sources'.
    const subgraph = await gateway(bare, 'subgraphs/main.ts', ['messaging']);
    expect(subgraph.exitCode).toBe(1);
    for (const variable of ['INTERNAL_TOKEN_PUBLIC_KEY', 'ACCESS_GRANT_SECRET', 'CACHE_KEY_SECRET', 'OUTBOX_ENCRYPTION_KEY', 'AUDIT_PSEUDONYM_KEY', 'METRICS_TOKEN']) {
      expect([variable, subgraph.output.includes(variable)]).toEqual([variable, true]);
    }

    const check = (env: Record<string, string>) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'scripts/configCheck.ts'], { cwd: ROOT, env: { ...clean(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout?.on('data', (d) => (output += String(d)));
        child.stderr?.on('data', (d) => (output += String(d)));
        child.on('close', (code) => resolve({ code, output }));
      });
    // Without NODE_ENV: it checks as production reads the settings, whatever the shell says.
    const empty = await check({ DEV_SECRETS_FILE: bare.DEV_SECRETS_FILE });
    expect(empty.code).toBe(1);
    for (const variable of [...gatewayNeeds, 'OUTBOX_ENCRYPTION_KEY', 'ACCESS_GRANT_SECRET']) expect([variable, empty.output.includes(variable)]).toEqual([variable, true]);
    const complete = await check({ ...PRODUCTION, ...SUBGRAPHS_TOO });
    expect(complete.output).toContain('OK: nothing is missing or for development only.');
    expect(complete.code).toBe(0);
    // Secrets are named, never printed.
    expect(complete.output).not.toContain(PRODUCTION.AUDIT_PSEUDONYM_KEY);
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
