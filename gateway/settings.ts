import { cacheKeysFromEnv } from '../adapters/kit/cache/CacheCrypto';
import { alertWindowMs } from '../lib/alertStream';
import { subscriptionsPerReader } from './alerts/subscriptions';
import { z } from 'zod';
import { loadSources } from '../lib/config';
import { internalSigningKey } from '../lib/internalToken';
import { metricsToken } from '../lib/metricsEndpoint';
import { auditPseudonymKey, globalIdKey } from '../lib/secrets';
import type { SettingCheck } from '../lib/settingsCheck';
import { SUBGRAPH_NAMES, type SubgraphName } from '../lib/subgraphs';
import { subgraphChecks } from '../subgraphs/kit/settings';
import { configuredIssuers } from './auth/issuers';
import { devIdpEnabled } from './devIdp/DevIdentityProvider';
import { limitsFromEnv } from './limits/limitsFromEnv';
import { rateSettingsFromEnv } from './limits/rateLimit';

const urlsSchema = z.partialRecord(z.enum(SUBGRAPH_NAMES as [string, ...string[]]), z.url());

/** What both gateway engines read from the environment (gateway/main.ts, gateway/hive/main.ts). */
export function gatewaySettingsFromEnv() {
  let urls: unknown;
  try {
    urls = JSON.parse(process.env.SUBGRAPH_URLS ?? '{}');
  } catch {
    throw new Error('SUBGRAPH_URLS is not JSON (an object of subgraph name to URL)');
  }
  const parsed = urlsSchema.safeParse(urls);
  if (!parsed.success) throw new Error(`SUBGRAPH_URLS is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const subgraphTimeoutMs = Number(process.env.SUBGRAPH_TIMEOUT_MS ?? 10_000);
  if (!Number.isInteger(subgraphTimeoutMs) || subgraphTimeoutMs <= 0) throw new Error('SUBGRAPH_TIMEOUT_MS must be a positive whole number of milliseconds');
  return { subgraphUrls: parsed.data as Partial<Record<SubgraphName, string>>, subgraphTimeoutMs, auditPseudonymKey: auditPseudonymKey() };
}

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
    { name: 'SUBGRAPH_URLS, SUBGRAPH_TIMEOUT_MS', read: gatewaySettingsFromEnv },
    { name: 'the LIMIT_* settings', read: () => limitsFromEnv() },
    { name: 'RATE_LIMIT, RATE_LIMIT_BURST, RATE_LIMIT_PER_SECOND', read: () => rateSettingsFromEnv() },
    // The live alerts' stream seals its entries with the cache's keys and keeps them ALERT_REPLAY_SECONDS.
    { name: 'the cache keys', read: () => cacheKeysFromEnv() },
    { name: 'ALERT_REPLAY_SECONDS', read: () => alertWindowMs() },
    { name: 'ALERT_SUBSCRIPTIONS_PER_READER', read: () => subscriptionsPerReader() },
    ...embedded.flatMap((name) => subgraphChecks(name, false)),
  ];
}
