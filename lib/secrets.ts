import { createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config';
import { REPOSITORY_ROOT } from './repositoryRoot';

/**
 * Keys and secrets, from the environment. Outside production each one has a development default, kept in
 * one file the processes share (`var/dev-secrets.json`, created on first use, never committed), so that
 * `npm start` needs no setup and `npm run token` signs tokens the running gateway accepts.
 *
 * With NODE_ENV=production there are no defaults: a missing secret stops the process with the variable's
 * name. Development keys are generated per machine, so a token of one developer's machine is worth
 * nothing on another; production also refuses the development identity provider outright.
 */
export const isProduction = (): boolean => process.env.NODE_ENV === 'production';

export const ROOT_DIR = REPOSITORY_ROOT;
export const DEV_SECRETS_FILE = () => process.env.DEV_SECRETS_FILE ?? path.join(ROOT_DIR, 'var', 'dev-secrets.json');

/** What the development defaults hold: private JWKs and random secrets. */
export interface DevSecrets {
  version: 1;
  /** Signs the development identity provider's personnel tokens (ES256). */
  helseidKey: JsonWebKey;
  /** Signs its citizen tokens (ES256). */
  idportenKey: JsonWebKey;
  /** Signs the gateway's internal tokens to the subgraphs (Ed25519). */
  internalTokenKey: JsonWebKey;
  /** HMAC key of the access grants the person subgraph hands the other subgraphs. */
  accessGrantSecret: string;
  /** HMAC key of patient pseudonyms in the access log. */
  auditPseudonymKey: string;
}

let cached: DevSecrets | undefined;

export function devSecrets(): DevSecrets {
  if (cached) return cached;
  const file = DEV_SECRETS_FILE();
  try {
    cached = JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
    return cached;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const jwk = (key: KeyObject) => key.export({ format: 'jwk' });
  const fresh: DevSecrets = {
    version: 1,
    helseidKey: jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
    idportenKey: jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
    internalTokenKey: jwk(generateKeyPairSync('ed25519').privateKey),
    accessGrantSecret: randomBytes(32).toString('base64url'),
    auditPseudonymKey: randomBytes(32).toString('base64url'),
  };
  // Several processes start at once: write aside, then link into place, which fails if another process
  // won the race; everyone then reads the one file that won.
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(tmp);
  }
  cached = JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  return cached;
}

/** A secret from the environment, or (outside production) the development default. */
export function secret(name: string, devDefault: (dev: DevSecrets) => string, what: string): string {
  const value = process.env[name];
  if (value) return value;
  if (isProduction()) throw new ConfigError(`${name} must be set: ${what} (NODE_ENV=production has no development defaults)`);
  return devDefault(devSecrets());
}

/** A symmetric key given as base64 or base64url, at least 32 bytes. */
export function symmetricKey(name: string, devDefault: (dev: DevSecrets) => string, what: string): Buffer {
  const key = Buffer.from(secret(name, devDefault, what), 'base64url');
  if (key.length < 32) throw new ConfigError(`${name} must hold at least 32 bytes (base64 or base64url)`);
  return key;
}

/** The HMAC key of patient pseudonyms in the access log (AUDIT_PSEUDONYM_KEY): the gateway's and every subgraph that logs. */
let auditKey: Buffer | undefined;
export function auditPseudonymKey(): Buffer {
  return (auditKey ??= symmetricKey('AUDIT_PSEUDONYM_KEY', (d) => d.auditPseudonymKey, 'the HMAC key of patient pseudonyms in the access log (32 bytes or more, base64)'));
}

/**
 * The key of global ids (GLOBAL_ID_KEY, lib/globalId.ts): every process that issues or reads them (the gateway, which
 * logs `node(id:)` reads under the patient inside, and the subgraphs whose types carry an `id`). Outside production
 * derived from the development secrets. Rotating it changes every id clients hold.
 */
let globalKey: Buffer | undefined;
export function globalIdKey(): Buffer {
  return (globalKey ??= symmetricKey('GLOBAL_ID_KEY', () => derivedDevSecret('global ids'), 'the key that encrypts global ids (`id`, `node(id:)`) (32 bytes or more, base64)'));
}

/**
 * The key of research's disclosure control (RESEARCH_KEY, research/): each person's record key for the cell key
 * perturbation, and each project's pseudonyms in an extract (derived per project). One key for every question, so
 * that the same cell always gets the same perturbation whoever asks. Outside production derived from the development
 * secrets. Rotating it changes every published figure slightly, and every pseudonym.
 */
let researchKeyValue: Buffer | undefined;
export function researchKey(): Buffer {
  return (researchKeyValue ??= symmetricKey('RESEARCH_KEY', () => derivedDevSecret('research'), "research's disclosure-control and pseudonym key (32 bytes or more, base64)"));
}

/** A private key given as a JWK (JSON) or PEM (PKCS #8). */
export function privateKey(name: string, devDefault: (dev: DevSecrets) => JsonWebKey, what: string): KeyObject {
  const value = process.env[name];
  if (value) return parseKey(name, value, 'private');
  if (isProduction()) throw new ConfigError(`${name} must be set: ${what} (NODE_ENV=production has no development defaults)`);
  return createPrivateKey({ key: devDefault(devSecrets()), format: 'jwk' });
}

/** A public key given as a JWK (JSON) or PEM (SPKI); outside production, derived from the development key. */
export function publicKey(name: string, devDefault: (dev: DevSecrets) => JsonWebKey, what: string): KeyObject {
  const value = process.env[name];
  if (value) return parseKey(name, value, 'public');
  if (isProduction()) throw new ConfigError(`${name} must be set: ${what} (NODE_ENV=production has no development defaults)`);
  return createPublicKey(createPrivateKey({ key: devDefault(devSecrets()), format: 'jwk' }));
}

function parseKey(name: string, value: string, kind: 'private' | 'public'): KeyObject {
  try {
    const trimmed = value.trim();
    const input = trimmed.startsWith('{') ? { key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' as const } : trimmed;
    return kind === 'private' ? createPrivateKey(input) : createPublicKey(input);
  } catch {
    // The value itself is never echoed: it is key material.
    throw new ConfigError(`${name} is not a valid ${kind} key (expected a JWK as JSON, or PEM)`);
  }
}

/**
 * A development secret for a purpose the dev secrets file does not name, derived from it (HKDF-SHA256), so
 * that new secrets need no change to a file every developer already has.
 */
export function derivedDevSecret(label: string): string {
  const dev = devSecrets();
  const ikm = Buffer.concat([Buffer.from(dev.accessGrantSecret, 'base64url'), Buffer.from(dev.auditPseudonymKey, 'base64url')]);
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), `patient-graph dev ${label}`, 32)).toString('base64url');
}
