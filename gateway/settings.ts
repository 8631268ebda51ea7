import { loadSources } from '../lib/config';
import { internalSigningKey } from '../lib/internalToken';
import { metricsToken } from '../lib/metricsEndpoint';
import { auditPseudonymKey, globalIdKey } from '../lib/secrets';
import type { SettingCheck } from '../lib/settingsCheck';
import type { SubgraphName } from '../lib/subgraphs';
import { subgraphChecks } from '../subgraphs/kit/settings';
import { configuredIssuers } from './auth/issuers';
import { devIdpEnabled } from './devIdp/DevIdentityProvider';

/**
 * What a gateway reads at start (lib/settingsCheck.ts), either engine: the identity providers, its keys, the
 * sources' change-notice secrets, and what the subgraphs in its process (EMBEDDED_SUBGRAPHS) read.
 */
export function gatewayChecks(embedded: readonly SubgraphName[] = []): SettingCheck[] {
  return [
    { name: 'DEV_IDP', read: () => devIdpEnabled() },
    { name: 'the identity providers', read: () => configuredIssuers() },
    { name: 'INTERNAL_TOKEN_PRIVATE_KEY', read: internalSigningKey },
    { name: 'AUDIT_PSEUDONYM_KEY', read: auditPseudonymKey },
    // The access log names the patient inside a `node(id:)` read (gateway/audit/disclosures.ts).
    { name: 'GLOBAL_ID_KEY', read: globalIdKey },
    { name: 'METRICS_TOKEN', read: metricsToken },
    { name: 'sources', read: () => loadSources() },
    ...embedded.flatMap((name) => subgraphChecks(name, false)),
  ];
}
