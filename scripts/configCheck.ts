/**
 * `npm run config:check [-- --process gateway|hive|<subgraph>|all]`: what a production start would refuse, all
 * at once, without starting anything. Checks the settings of this environment as NODE_ENV=production reads them
 * (the same readers the processes use at start: lib/settingsCheck.ts), prints every problem and what production
 * allows but an operator should know, and exits 1 when a process would not start.
 *
 * Default `all`: the gateway with the subgraphs EMBEDDED_SUBGRAPHS names in its process, and every other subgraph
 * in a process of its own. Secrets are named, never printed.
 */
import { parseArgs } from 'node:util';
import { embeddedSubgraphsFromEnv } from '../gateway/embeddedSubgraphs';
import { gatewayChecks } from '../gateway/settings';
import { settingNotes, settingProblems, type SettingCheck } from '../lib/settingsCheck';
import { SUBGRAPH_NAMES, type SubgraphName } from '../lib/subgraphs';
import { subgraphChecks } from '../subgraphs/kit/settings';

export function checksFor(which: string, env: NodeJS.ProcessEnv = process.env): { processes: string[]; checks: SettingCheck[] } {
  if (which === 'gateway' || which === 'all') {
    const embedded = embeddedSubgraphsFromEnv(env);
    const separate = which === 'all' ? SUBGRAPH_NAMES.filter((n) => !embedded.includes(n)) : [];
    return {
      processes: [`gateway${embedded.length ? ` (with ${embedded.join(', ')} in its process)` : ''}`, ...separate.map((n) => `subgraph ${n}`)],
      checks: [...gatewayChecks(embedded), ...separate.flatMap((n) => subgraphChecks(n, true))],
    };
  }
  if (which === 'hive') return { processes: ['Hive Gateway'], checks: gatewayChecks() };
  if ((SUBGRAPH_NAMES as string[]).includes(which)) return { processes: [`subgraph ${which}`], checks: subgraphChecks(which as SubgraphName, true) };
  throw new Error(`--process must be gateway, hive, all or a subgraph (${SUBGRAPH_NAMES.join(', ')}), not ${JSON.stringify(which.slice(0, 40))}`);
}

function main(): number {
  const { values } = parseArgs({ options: { process: { type: 'string', default: 'all' } } });
  // The readers decide by NODE_ENV: checked as production reads them, whatever this shell says.
  process.env.NODE_ENV = 'production';
  let found: ReturnType<typeof checksFor>;
  try {
    found = checksFor(values.process ?? 'all');
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const problems = settingProblems(found.checks);
  const notes = settingNotes(process.env);
  console.log(`Settings as NODE_ENV=production reads them, for: ${found.processes.join('; ')}`);
  if (problems.length === 0) console.log('OK: nothing is missing or for development only.');
  else console.log(`${problems.length} problem${problems.length === 1 ? '' : 's'}: ${found.processes.length === 1 ? 'it' : 'these processes'} would not start\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  if (notes.length) console.log(`Notes (allowed, worth knowing):\n${notes.map((n) => `  - ${n}`).join('\n')}`);
  return problems.length ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
