/**
 * `npm run gateway:hive`: the supergraph on Hive Gateway, beside or instead of the Apollo gateway.
 * PORT (default 4010; 0 for a free one), HIVE_RUNTIME (`default`, or `router` for the Rust query planner),
 * and the Apollo gateway's other variables (SUBGRAPH_URLS, SUBGRAPH_TIMEOUT_MS, identity providers, keys,
 * LIMIT_*, CORS_ORIGINS, the access log).
 */
// Tracing first (when configured): it must be on before anything that speaks HTTP loads.
import '../../lib/telemetryStart';
import { createAuditStore, describeAuditStore } from '../../lib/audit';
import { createLogger } from '../../lib/logger';
import { runService } from '../../lib/service';
import { checkProductionSettings } from '../../lib/settingsCheck';
import { gatewayChecks } from '../settings';
import { gatewaySettingsFromEnv } from '../settings';
import { embeddedSubgraphsFromEnv } from '../embeddedSubgraphs';
import { startHiveGateway, type HiveRuntime } from './createHiveGateway';

const logger = createLogger('hive-gateway');

runService('hive-gateway', logger, async () => {
  const runtime = (process.env.HIVE_RUNTIME?.trim() || 'default') as HiveRuntime;
  if (runtime !== 'default' && runtime !== 'router') throw new Error('HIVE_RUNTIME must be default or router');
  // Hive Gateway reaches every subgraph over HTTP: a deployment that embeds them runs the Apollo engine.
  if (embeddedSubgraphsFromEnv().length > 0) throw new Error('EMBEDDED_SUBGRAPHS is for the Apollo gateway (gateway/main.ts): Hive Gateway needs the subgraphs in their own processes');
  checkProductionSettings(gatewayChecks(), logger);
  const settings = gatewaySettingsFromEnv();
  const auditStore = createAuditStore();
  logger.info(`access log: ${describeAuditStore()}; query planner: ${runtime === 'router' ? 'Rust (router-runtime)' : 'JavaScript (default)'}`);
  return startHiveGateway({ ...settings, port: Number(process.env.PORT ?? 4010), runtime, auditStore }, logger);
});
