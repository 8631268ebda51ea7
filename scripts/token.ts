/**
 * `npm run token -- <persona>` prints a development token for a demo persona on its last line;
 * `npm run token -- --list` prints one persona per line, its name first; `npm run token -- --metrics` prints
 * the bearer token for `GET /metrics`; `npm run token -- --grant-key <subgraph>` a subgraph's own access-grant
 * key (ACCESS_GRANT_KEY) derived from ACCESS_GRANT_SECRET as the environment sets it.
 * Options: `--reason "<text>"` (emergency access), `--no-reason`, `--expires-in <seconds>`, `--represents <number>|self`
 * (a citizen persona acting for someone else, or for herself).
 *
 *   TOKEN=$(npm run -s token -- gp | tail -1)
 *   curl -s localhost:4000/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"query":"{ __typename }"}'
 *
 * The tokens are signed with this machine's development keys (var/dev-secrets.json), which the running
 * gateway trusts unless NODE_ENV=production.
 */
import { parseArgs } from 'node:util';
import { DevIdentityProvider } from '../gateway/devIdp/DevIdentityProvider';
import { PERSONAS } from '../gateway/devIdp/personas';
import { metricsToken } from '../lib/metricsEndpoint';
import type { SubgraphName } from '../lib/subgraphs';
import { accessGrantSecret, audienceKey, GRANT_AUDIENCES } from '../subgraphs/kit/access/accessGrant';

// A reader that stops early (`| head -3`) closes the pipe: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      list: { type: 'boolean' },
      reason: { type: 'string' },
      'no-reason': { type: 'boolean' },
      'expires-in': { type: 'string' },
      metrics: { type: 'boolean' },
      'grant-key': { type: 'string' },
      represents: { type: 'string' },
    },
  });
  const grantKeyFor = values['grant-key'];
  if (grantKeyFor !== undefined) {
    // A subgraph's own access-grant key (ACCESS_GRANT_KEY), derived from ACCESS_GRANT_SECRET as set here.
    if (!GRANT_AUDIENCES.includes(grantKeyFor as SubgraphName)) {
      console.error(`--grant-key takes one of ${GRANT_AUDIENCES.join(', ')}`);
      process.exit(2);
    }
    console.log(audienceKey(accessGrantSecret(), grantKeyFor as SubgraphName).toString('base64url'));
    return;
  }
  if (values.metrics) {
    // The bearer token for GET /metrics (METRICS_TOKEN, or the development one), for curl or a local Prometheus.
    console.log(metricsToken());
    return;
  }
  if (values.list) {
    const width = Math.max(...PERSONAS.map((p) => p.name.length));
    for (const p of PERSONAS) console.log(`${p.name.padEnd(width)}  ${p.displayName}: ${p.shows}`);
    return;
  }
  const [name] = positionals;
  if (!name || !PERSONAS.some((p) => p.name === name)) {
    console.error(`usage: npm run token -- <persona> [--reason "<text>" | --no-reason] [--expires-in <seconds>] [--represents <number>|self]\n       npm run token -- --list`);
    console.error(`personas: ${PERSONAS.map((p) => p.name).join(', ')}`);
    process.exit(2);
  }
  const expires = values['expires-in'] === undefined ? undefined : Number(values['expires-in']);
  if (expires !== undefined && (!Number.isInteger(expires) || expires <= 0)) {
    console.error('--expires-in takes a whole number of seconds');
    process.exit(2);
  }
  const idp = await DevIdentityProvider.load();
  const reason = values['no-reason'] ? null : values.reason;
  // A citizen persona acting for someone else than its default (`self`: for herself).
  const represents = values.represents === undefined ? undefined : values.represents === 'self' ? null : values.represents;
  const token = await idp.token(name, { ...(reason !== undefined ? { reason } : {}), ...(expires ? { expiresInSeconds: expires } : {}), ...(represents !== undefined ? { represents } : {}) });
  const persona = PERSONAS.find((p) => p.name === name);
  console.error(`# ${persona?.displayName}`);
  console.log(token);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
