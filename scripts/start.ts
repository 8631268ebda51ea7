/**
 * `npm start`: every simulated legacy system, every subgraph and the gateway, on embedded defaults: the
 * subgraphs inside the gateway's process unless SYSTEM_MODE=separate gives each its own. Ctrl-C stops them all.
 */
import { SUBGRAPH_NAMES } from '../lib/subgraphs';
import { DEFAULT_GATEWAY_PORT, portPlanFromEnv, startSystem, systemMode, type PortPlan, type RunningSystem } from './system';

/** What a port already taken most likely is, in the words of the layout asked for. */
function takenHint(ports: 'default' | PortPlan, mode: 'embedded' | 'separate'): string {
  const plan = ports === 'default' ? { gateway: DEFAULT_GATEWAY_PORT, others: 'follow' as const } : ports;
  const g = plan.gateway;
  const layout = plan.others === 'auto' ? `${g}` : `${mode === 'embedded' ? g : `${g}-${g + 7}`} and ${g + 100}-${g + 161}`;
  return `A port is taken: stop whatever holds ports ${layout} (an earlier \`npm start\`?), or move this one: PORT=<port> npm start (the others follow it), PORTS=auto for free ports beside the gateway's.`;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  let ports: 'default' | PortPlan;
  try {
    ports = portPlanFromEnv();
  } catch (error) {
    console.error(`Could not start: ${(error as Error).message}`);
    process.exit(1);
  }
  const mode = systemMode({ ports });
  console.log(
    `Starting the patient graph: simulated legacy systems and the gateway with ${SUBGRAPH_NAMES.length} subgraphs ${mode === 'embedded' ? "in its process (SYSTEM_MODE=separate: one process each)" : 'in processes of their own'}…`,
  );
  let system: RunningSystem;
  try {
    system = await startSystem({ ports, output: 'prefix', env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' } });
  } catch (error) {
    const message = (error as Error).message;
    console.error(`\nCould not start: ${message}`);
    // The hint only where it applies: a configuration mistake says what it is, not that a port is taken.
    if (/EADDRINUSE|address already in use|port \d+ is (taken|already in use)/i.test(message)) {
      console.error(takenHint(ports, mode));
    }
    process.exit(1);
  }
  console.log(`
Ready in ${((Date.now() - t0) / 1000).toFixed(1)} s.
  GraphQL     ${system.gatewayUrl.replace('127.0.0.1', 'localhost')}   (POST only)
  Playground  ${system.playgroundUrl.replace('127.0.0.1', 'localhost')}
  Health      ${system.healthUrl.replace('127.0.0.1', 'localhost')}
  Simulators  ${Object.keys(system.simulatorUrls).length} legacy system instances on ${portRange(Object.values(system.simulatorUrls))}; control API at ${system.controlUrl}
${subgraphLines(system)}  Try        the playground: its first query is filled in for a demo patient (README: Demo patients)

Press Ctrl-C to stop.`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await system.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

/** `ports 4101–4161` (or the one port) of some URLs. */
function portRange(urls: string[]): string {
  const ports = urls.map((u) => Number(new URL(u).port)).sort((a, b) => a - b);
  return ports.length === 0 ? 'no port' : ports[0] === ports.at(-1) ? `port ${ports[0]}` : `ports ${ports[0]}–${ports.at(-1)}`;
}

/** The subgraphs' own URLs when they have processes of their own, and how to put Hive Gateway over them. */
function subgraphLines(system: RunningSystem): string {
  const entries = Object.entries(system.subgraphUrls);
  if (entries.length === 0) return '';
  const hivePort = Number(new URL(system.gatewayUrl).port) + 10;
  return `  Subgraphs   ${entries.map(([name, url]) => `${name} ${new URL(url).port}`).join(', ')}
  Hive        SUBGRAPH_URLS='${JSON.stringify(system.subgraphUrls)}' PORT=${hivePort} npm run gateway:hive
`;
}

void main();
