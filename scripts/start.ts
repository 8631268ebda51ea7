/**
 * `npm start`: every simulated legacy system, every subgraph and the gateway, on embedded defaults: the
 * subgraphs inside the gateway's process unless SYSTEM_MODE=separate gives each its own. Ctrl-C stops them all.
 */
import { SUBGRAPH_NAMES } from '../lib/subgraphs';
import { startSystem, systemMode, type RunningSystem } from './system';

async function main(): Promise<void> {
  const t0 = Date.now();
  const mode = systemMode({ ports: 'default' });
  console.log(
    `Starting the patient graph: simulated legacy systems and the gateway with ${SUBGRAPH_NAMES.length} subgraphs ${mode === 'embedded' ? "in its process (SYSTEM_MODE=separate: one process each)" : 'in processes of their own'}…`,
  );
  let system: RunningSystem;
  try {
    system = await startSystem({ ports: 'default', output: 'prefix', env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' } });
  } catch (error) {
    const message = (error as Error).message;
    console.error(`\nCould not start: ${message}`);
    // The hint only where it applies: a configuration mistake says what it is, not that a port is taken.
    if (/EADDRINUSE|address already in use|port \d+ is (taken|already in use)/i.test(message)) {
      console.error(`A port is taken: stop whatever holds ports ${mode === 'embedded' ? '4000' : '4000-4007'} and 4100-4161 (an earlier \`npm start\`?).`);
    }
    process.exit(1);
  }
  console.log(`
Ready in ${((Date.now() - t0) / 1000).toFixed(1)} s.
  GraphQL     ${system.gatewayUrl.replace('127.0.0.1', 'localhost')}   (POST only)
  Playground  ${system.playgroundUrl.replace('127.0.0.1', 'localhost')}
  Health      ${system.healthUrl.replace('127.0.0.1', 'localhost')}
  Simulators  ${Object.keys(system.simulatorUrls).length} legacy system instances; control API at ${system.controlUrl}
  Try        the playground: its first query is filled in for a demo patient (README: Demo patients)

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

void main();
