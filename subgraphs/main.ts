/**
 * Runs one subgraph: `tsx subgraphs/main.ts <name>`. The port is PORT, or the subgraph's default
 * (lib/subgraphs.ts); PORT=0 picks a free one and reports it to the parent process.
 */
// Tracing first (when configured): it must be on before anything that speaks HTTP loads.
import '../lib/telemetryStart';
import { createLogger } from '../lib/logger';
import { runService } from '../lib/service';
import { SUBGRAPHS, SUBGRAPH_NAMES, type SubgraphName } from '../lib/subgraphs';
import { SUBGRAPH_DEFINITIONS } from './index';
import { startSubgraph } from './kit/createSubgraph';
import { subgraphChecks } from './kit/settings';
import { checkProductionSettings } from '../lib/settingsCheck';

const name = process.argv[2] as SubgraphName;
if (!SUBGRAPH_NAMES.includes(name)) {
  console.error(`usage: subgraphs/main.ts <${SUBGRAPH_NAMES.join('|')}>`);
  process.exit(2);
}
const logger = createLogger(`subgraph-${name}`);
const port = process.env.PORT !== undefined ? Number(process.env.PORT) : SUBGRAPHS[name].port;
runService(`subgraph ${name}`, logger, () => {
  checkProductionSettings(subgraphChecks(name, true), logger);
  return startSubgraph(SUBGRAPH_DEFINITIONS[name], logger, port);
});
