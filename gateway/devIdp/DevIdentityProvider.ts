import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, SignJWT, type JWK } from 'jose';
import { ConfigError } from '../../lib/config';
import type { PurposeOfUse } from '../../lib/purposeOfUse';
import { devSecrets, isProduction } from '../../lib/secrets';
import { CITIZEN_CLAIMS, PERSONNEL_CLAIMS, REQUIRED_CITIZEN_ACR, REQUIRED_PERSONNEL_ASSURANCE } from '../auth/claims';
import { DEFAULT_AUDIENCE, type Issuer } from '../auth/issuers';
import { PERSONAS, personaNamed, type Persona } from './personas';

/**
 * The embedded development identity provider: HelseID-like tokens for the personnel personas and
 * ID-porten-like tokens for the citizen personas, signed with per-machine keys from var/dev-secrets.json.
 * On by default under `npm start` and in tests; never in production (the gateway refuses to start with it,
 * and a production gateway does not trust its issuers, so its tokens are refused there too).
 */
export const DEV_ISSUERS = {
  helseid: 'urn:patient-graph:dev-idp:helseid',
  idporten: 'urn:patient-graph:dev-idp:idporten',
} as const;

export const DEV_TOKEN_LIFETIME_SECONDS = 3600;

/** `DEV_IDP=on|off`; on by default outside production. Production with it on is a configuration error. */
export function devIdpEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const setting = env.DEV_IDP;
  if (setting !== undefined && setting !== 'on' && setting !== 'off') throw new ConfigError('DEV_IDP must be on or off');
  const enabled = setting ? setting === 'on' : !isProduction();
  if (enabled && isProduction()) {
    throw new ConfigError('the development identity provider (DEV_IDP=on) must not run with NODE_ENV=production: its keys are not secret');
  }
  return enabled;
}

export interface TokenOptions {
  /** Emergency reason (ETREAT); `null` leaves it out, to try emergency access without one. */
  reason?: string | null;
  /** Another purpose of use than the persona's. */
  purpose?: Exclude<PurposeOfUse, 'PATRQT'>;
  expiresInSeconds?: number;
  /** Seconds from now before the token becomes valid (nbf); for tests of not-yet-valid tokens. */
  notBeforeSeconds?: number;
  /** Another audience, for tests of tokens meant for another service. */
  audience?: string;
  /** A weaker login than the graph requires, for tests of assurance checks. */
  weakAssurance?: boolean;
  /** Another organisation (orgnr_parent), as for a shift at a second workplace; for tests of claims. */
  orgNumber?: string;
  /** Another unit (orgnr_child), as for a counsellor of another NAV office; `null` leaves it out. */
  childOrgNumber?: string | null;
  /** The HPR number as another system might write it (with leading zeros); for tests of identifier forms. */
  hprNumber?: string;
  /**
   * For a citizen: the person she acts for (claim `represents`), instead of the persona's own choice; `null` for
   * herself. The graph decides from the registers whether she may.
   */
  represents?: string | null;
}

interface SigningKey {
  jwk: JsonWebKey;
  kid: string;
}

export class DevIdentityProvider {
  private constructor(
    private readonly personnelKey: SigningKey,
    private readonly citizenKey: SigningKey,
  ) {}

  static async load(): Promise<DevIdentityProvider> {
    const secrets = devSecrets();
    const withKid = async (jwk: JsonWebKey): Promise<SigningKey> => ({ jwk, kid: await calculateJwkThumbprint(publicJwk(jwk)) });
    return new DevIdentityProvider(await withKid(secrets.helseidKey), await withKid(secrets.idportenKey));
  }

  /**
   * One issuer's public key set, as an identity provider publishes it. Each issuer has its own: with one set
   * for both, a citizen key could sign a personnel token that the gateway accepted.
   */
  jwks(kind: 'PERSONNEL' | 'CITIZEN'): { keys: JWK[] } {
    const k = kind === 'PERSONNEL' ? this.personnelKey : this.citizenKey;
    return { keys: [{ ...publicJwk(k.jwk), kid: k.kid, alg: 'ES256', use: 'sig' }] };
  }

  /** The two development issuers, each with its own key set, to trust next to the configured ones. */
  issuers(): Issuer[] {
    return [
      { name: 'dev-helseid', kind: 'PERSONNEL', issuer: DEV_ISSUERS.helseid, audience: DEFAULT_AUDIENCE, keys: createLocalJWKSet(this.jwks('PERSONNEL')), development: true },
      { name: 'dev-idporten', kind: 'CITIZEN', issuer: DEV_ISSUERS.idporten, audience: DEFAULT_AUDIENCE, keys: createLocalJWKSet(this.jwks('CITIZEN')), development: true },
    ];
  }

  personas(): readonly Persona[] {
    return PERSONAS;
  }

  /** A signed access token for the named persona. Throws for an unknown persona. */
  async token(personaName: string, options: TokenOptions = {}): Promise<string> {
    const persona = personaNamed(personaName);
    if (!persona) throw new RangeError(`unknown persona "${personaName}"; known: ${PERSONAS.map((p) => p.name).join(', ')}`);
    const key = persona.kind === 'PERSONNEL' ? this.personnelKey : this.citizenKey;
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(persona.kind === 'PERSONNEL' ? personnelClaims(persona, options) : citizenClaims(persona, options))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
      .setIssuer(persona.kind === 'PERSONNEL' ? DEV_ISSUERS.helseid : DEV_ISSUERS.idporten)
      .setAudience(options.audience ?? DEFAULT_AUDIENCE)
      .setSubject(`dev-${persona.name}`)
      .setIssuedAt(now)
      .setNotBefore(now + (options.notBeforeSeconds ?? 0))
      .setExpirationTime(now + (options.expiresInSeconds ?? DEV_TOKEN_LIFETIME_SECONDS));
    return jwt.sign(createPrivateKey({ key: key.jwk, format: 'jwk' }));
  }
}

function publicJwk(jwk: JsonWebKey): JWK {
  const { d: _private, ...rest } = jwk;
  return rest as JWK;
}

function personnelClaims(p: Extract<Persona, { kind: 'PERSONNEL' }>, options: TokenOptions): Record<string, unknown> {
  const c = PERSONNEL_CLAIMS;
  const purpose = options.purpose ?? p.purpose;
  const reason = options.reason === undefined ? p.emergencyReason : options.reason;
  return {
    [c.pid]: p.pid,
    [c.assuranceLevel]: options.weakAssurance ? 'substantial' : REQUIRED_PERSONNEL_ASSURANCE,
    ...(options.hprNumber || p.hprNumber ? { [c.hprNumber]: options.hprNumber ?? p.hprNumber } : {}),
    ...(p.profession ? { [c.profession]: p.profession } : {}),
    [c.orgNumber]: options.orgNumber ?? p.orgNumber,
    ...((options.childOrgNumber === undefined ? p.childOrgNumber : options.childOrgNumber) ? { [c.childOrgNumber]: options.childOrgNumber ?? p.childOrgNumber } : {}),
    ...(p.herId ? { [c.herId]: p.herId } : {}),
    [c.purposeOfUse]: purpose,
    ...(reason ? { [c.purposeOfUseDetails]: reason } : {}),
  };
}

function citizenClaims(p: Extract<Persona, { kind: 'CITIZEN' }>, options: TokenOptions): Record<string, unknown> {
  const represents = options.represents === undefined ? p.represents : options.represents;
  return {
    [CITIZEN_CLAIMS.pid]: p.pid,
    [CITIZEN_CLAIMS.acr]: options.weakAssurance ? 'idporten-loa-substantial' : REQUIRED_CITIZEN_ACR,
    ...(represents ? { [CITIZEN_CLAIMS.represents]: represents } : {}),
  };
}
