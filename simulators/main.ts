/**
 * Runs every simulated legacy system instance named in the sources configuration whose base URL is on
 * this machine, each as its own HTTP server, plus the control API. Ports come from the base URLs, or are
 * chosen free with SIM_PORTS=auto (the tests do that).
 */
import { checkConsistency, instancesOf, loadOrganisations, loadSources } from '../lib/config';
import { createLogger } from '../lib/logger';
import { runService } from '../lib/service';
import { behaviourFromEnv } from './kit/behaviour';
import { noticeSettings } from './kit/changeNotices';
import { startControlServer } from './kit/control';
import { SimulatedInstance } from './kit/SimulatedInstance';
import { getPopulationIndex } from './population';
import { simulators } from './registry';

const logger = createLogger('simulators');

runService('simulators', logger, async () => {
  const orgs = loadOrganisations();
  const sources = loadSources();
  checkConsistency(orgs, sources);
  const local = instancesOf(sources).filter((i) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(i.baseUrl).hostname));
  const behaviour = behaviourFromEnv(local.map((i) => i.id));
  const auto = process.env.SIM_PORTS === 'auto';
  // Change notices go to the gateway `npm start` runs, unless told otherwise (tests set it at run time).
  if (!auto && process.env.SIM_INVALIDATION_URL === undefined) process.env.SIM_INVALIDATION_URL = 'http://127.0.0.1:4000/cache/invalidate';
  // Pushed events (welfare technology alarms) go to that gateway too.
  if (!auto && process.env.SIM_EVENTS_URL === undefined) process.env.SIM_EVENTS_URL = 'http://127.0.0.1:4000/welfare/events';
  noticeSettings.invalidationUrl ??= process.env.SIM_INVALIDATION_URL || undefined;
  noticeSettings.eventsUrl ??= process.env.SIM_EVENTS_URL || undefined;
  const population = getPopulationIndex();
  const instances = new Map<string, SimulatedInstance>();
  const definitions = simulators();
  for (const instance of local) {
    const definition = definitions.get(instance.system);
    if (!definition) throw new Error(`no simulator for system ${instance.system} (instance ${instance.id})`);
    const sim = new SimulatedInstance(definition, { instance, orgs, population }, behaviour.get(instance.id) ?? { mode: 'normal', latencyMs: 0 }, logger);
    await sim.start(auto ? 0 : Number(new URL(instance.baseUrl).port));
    instances.set(instance.id, sim);
  }
  const control = await startControlServer(instances, behaviour, auto ? 0 : Number(process.env.SIM_CONTROL_PORT ?? 4100), logger, population);
  logger.info(
    { instances: instances.size, patients: population.population.persons.length, latencyMs: Number(process.env.SIM_LATENCY_MS ?? 0) },
    'simulated legacy systems listening',
  );
  return {
    urls: { control: control.url, ...Object.fromEntries([...instances].map(([id, sim]) => [id, sim.url])) },
    close: async () => {
      await control.close();
      await Promise.all([...instances.values()].map((i) => i.close()));
    },
  };
});
