/**
 * Runs the gateway. PORT (default 4000; 0 for a free one); HOST binding is loopback only.
 * SUBGRAPH_URLS: JSON mapping subgraph name to its GraphQL URL, for subgraphs not on their default port.
 * SUBGRAPH_TIMEOUT_MS (default 10000): how long to wait for a subgraph before its fields fail.
 * EMBEDDED_SUBGRAPHS (`all`, `none` or a list; default none): subgraphs run in this process (gateway/embeddedSubgraphs.ts).
 */
// Tracing first (when configured): it must be on before anything that speaks HTTP loads.
import '../lib/telemetryStart';
import { createLogger } from '../lib/logger';
import { runService } from '../lib/service';
import { createAuditStore, describeAuditStore } from '../lib/audit';
import { checkProductionSettings } from '../lib/settingsCheck';
import { gatewayChecks, gatewaySettingsFromEnv } from './settings';
import { startGateway } from './createGateway';
import { buildEmbeddedSubgraphs, closeEmbedded, embeddedSubgraphsFromEnv } from './embeddedSubgraphs';

const logger = createLogger('gateway');

if (require.main === module) {
  runService('gateway', logger, async () => {
    const embeddedNames = embeddedSubgraphsFromEnv();
    checkProductionSettings(gatewayChecks(embeddedNames), logger);
    const settings = gatewaySettingsFromEnv();
    const auditStore = createAuditStore();
    logger.info(`access log: ${describeAuditStore()}`);
    // Subgraphs in this process first (EMBEDDED_SUBGRAPHS): the gateway answers only once they can.
    const embedded = await buildEmbeddedSubgraphs(embeddedNames);
    if (embedded.size > 0) logger.info(`subgraphs in this process: ${[...embedded.keys()].join(', ')}`);
    try {
      return await startGateway({ ...settings, port: Number(process.env.PORT ?? 4000), auditStore, embedded }, logger);
    } catch (error) {
      await closeEmbedded(embedded);
      throw error;
    }
  });
}
