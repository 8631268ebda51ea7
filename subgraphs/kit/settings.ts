import { decisionCacheSeconds } from './access/decider';
import { cacheKeysFromEnv } from '../../adapters/kit/cache/CacheCrypto';
import { loadOrganisations, loadSources } from '../../lib/config';
import { internalVerifyKey } from '../../lib/internalToken';
import { metricsToken } from '../../lib/metricsEndpoint';
import { OutboxSeal } from '../../lib/outbox/sealing';
import { auditPseudonymKey, globalIdKey } from '../../lib/secrets';
import type { SettingCheck } from '../../lib/settingsCheck';
import type { SubgraphName } from '../../lib/subgraphs';
import { accessGrantSecret, verifierKey } from './access/accessGrant';

/** The subgraphs that write to the access log (with patient pseudonyms): person's reads, care's plan consents, messaging's actions. */
const LOGGING: readonly SubgraphName[] = ['person', 'care', 'messaging'];
/** The subgraphs whose types carry a global id (`id: ID!`, lib/globalId.ts): person also reads them back (`node`). */
const GLOBAL_IDS: readonly SubgraphName[] = ['person', 'care', 'gp', 'hospital', 'national', 'record'];

/**
 * What one subgraph reads at start (lib/settingsCheck.ts). `served`: over HTTP on its own (it checks the gateway's
 * internal tokens and serves /metrics); embedded in the gateway it does neither.
 */
export function subgraphChecks(name: SubgraphName, served: boolean): SettingCheck[] {
  return [
    ...(served
      ? [
          { name: 'INTERNAL_TOKEN_PUBLIC_KEY', read: internalVerifyKey },
          { name: 'METRICS_TOKEN', read: metricsToken },
        ]
      : []),
    { name: 'organisations', read: () => loadOrganisations() },
    { name: 'sources', read: () => loadSources() },
    { name: 'the cache keys', read: () => cacheKeysFromEnv() },
    name === 'person' ? { name: 'ACCESS_GRANT_SECRET', read: accessGrantSecret } : { name: 'ACCESS_GRANT_KEY', read: () => verifierKey(name) },
    ...(LOGGING.includes(name) ? [{ name: 'AUDIT_PSEUDONYM_KEY', read: auditPseudonymKey }] : []),
    ...(GLOBAL_IDS.includes(name) ? [{ name: 'GLOBAL_ID_KEY', read: globalIdKey }] : []),
    ...(name === 'messaging' ? [{ name: 'OUTBOX_ENCRYPTION_KEY', read: () => OutboxSeal.fromEnv() }] : []),
    // The subgraphs that decide access from the sources keep decisions for a while.
    ...(name === 'person' || name === 'messaging' ? [{ name: 'ACCESS_DECISION_CACHE_SECONDS', read: () => decisionCacheSeconds() }] : []),
  ];
}
