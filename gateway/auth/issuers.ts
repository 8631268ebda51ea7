import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { ConfigError } from '../../lib/config';
import { isProduction } from '../../lib/secrets';

/**
 * The identity providers whose tokens the gateway accepts: HelseID for health personnel and ID-porten for
 * citizens, each by its issuer, audience and published keys (JWKS). Outside production the embedded
 * development provider adds its own two issuers.
 */
export interface Issuer {
  /** Short name for logs and the access log: `helseid`, `idporten`, `dev-helseid`, `dev-idporten`. */
  name: string;
  kind: 'PERSONNEL' | 'CITIZEN';
  /** The `iss` value of its tokens. */
  issuer: string;
  /** The `aud` value its tokens must carry for this graph. */
  audience: string;
  keys: JWTVerifyGetKey;
  /** True for the embedded development provider; production refuses to start with it. */
  development: boolean;
}

export const DEFAULT_AUDIENCE = 'patient-graph';

interface Variables {
  issuer: string;
  jwks: string;
  audience: string;
}

const VARIABLES: Record<'helseid' | 'idporten', Variables> = {
  helseid: { issuer: 'HELSEID_ISSUER', jwks: 'HELSEID_JWKS_URL', audience: 'HELSEID_AUDIENCE' },
  idporten: { issuer: 'IDPORTEN_ISSUER', jwks: 'IDPORTEN_JWKS_URL', audience: 'IDPORTEN_AUDIENCE' },
};

/** The issuers configured in the environment (HELSEID_*, IDPORTEN_*). */
export function configuredIssuers(env: NodeJS.ProcessEnv = process.env): Issuer[] {
  const issuers: Issuer[] = [];
  // Both providers' problems at once: an operator fixes them in one go.
  const problems: string[] = [];
  for (const [name, v] of Object.entries(VARIABLES) as ['helseid' | 'idporten', Variables][]) {
    try {
      const found = configuredIssuer(name, v, env);
      if (found) issuers.push(found);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length) throw new ConfigError(problems.join('; '));
  return issuers;
}

function configuredIssuer(name: 'helseid' | 'idporten', v: Variables, env: NodeJS.ProcessEnv): Issuer | undefined {
  const issuer = env[v.issuer];
  const jwks = env[v.jwks];
  if (!issuer && !jwks) {
    if (isProduction()) throw new ConfigError(`${v.issuer} and ${v.jwks} must be set: the ${name} identity provider (NODE_ENV=production)`);
    return undefined;
  }
  if (!issuer || !jwks) throw new ConfigError(`${v.issuer} and ${v.jwks} must be set together`);
  let url: URL;
  try {
    url = new URL(jwks);
  } catch {
    throw new ConfigError(`${v.jwks} is not a URL`);
  }
  // Keys fetched in clear text could be swapped on the way; only a local test provider may use http.
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(local && !isProduction())) throw new ConfigError(`${v.jwks} must be an https URL`);
  return {
    name,
    kind: name === 'helseid' ? 'PERSONNEL' : 'CITIZEN',
    issuer,
    audience: env[v.audience] || DEFAULT_AUDIENCE,
    // jose caches the key set, refetches it when a token names an unknown key id (rotation), and limits
    // how often it does so, so a flood of forged key ids cannot hammer the provider.
    keys: createRemoteJWKSet(url, { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 }),
    development: false,
  };
}
