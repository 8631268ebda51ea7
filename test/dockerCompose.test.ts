import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { FIRST_QUERY_FILE } from '../gateway/playground';
import { CONFIG_DIR, instancesOf, loadSources } from '../lib/config';
import { fromRoot, REPOSITORY_ROOT } from '../lib/repositoryRoot';
import { SCHEMA_DIR, SUBGRAPH_NAMES, SUBGRAPHS } from '../lib/subgraphs';
import { NODE_FLAGS } from '../scripts/system';
import { DEMO_PATIENTS_FILE } from '../simulators/population/demoPatients';

// No Docker engine runs on the build machines, so `docker compose up` cannot be tried there; this checks
// that the file describes the same system as `npm start` and stays in step with the configuration.
const compose = parse(readFileSync(path.join(__dirname, '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      command?: string[];
      environment?: Record<string, string>;
      image?: string;
      build?: string;
      ports?: string[];
      healthcheck?: { test?: string[] };
      depends_on?: Record<string, { condition?: string }> | string[];
    }
  >;
};

describe('docker-compose.yml', () => {
  it('runs the simulators, every subgraph and the gateway, with a real Redis and PostgreSQL', () => {
    const services = Object.keys(compose.services);
    expect(services).toEqual(expect.arrayContaining(['redis', 'postgres', 'simulators', 'gateway', ...SUBGRAPH_NAMES.map((n) => `subgraph-${n}`)]));
    expect(compose.services.redis?.image).toMatch(/^redis:/);
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
    expect(compose.services.gateway?.ports).toContain('4000:4000');
  });

  it('starts each subgraph on its port and points the gateway at each of them', () => {
    const gatewayUrls = JSON.parse(compose.services.gateway?.environment?.SUBGRAPH_URLS ?? '{}') as Record<string, string>;
    for (const name of SUBGRAPH_NAMES) {
      const service = compose.services[`subgraph-${name}`];
      expect(service?.command).toEqual(['dist/subgraphs/main.js', name]);
      expect(service?.environment?.PORT).toBe(String(SUBGRAPHS[name].port));
      expect(service?.environment?.BIND_HOST).toBe('0.0.0.0');
      expect(gatewayUrls[name]).toBe(`http://subgraph-${name}:${SUBGRAPHS[name].port}/graphql`);
    }
  });

  it('points every legacy system instance of sources.json at the simulators container, on the same port', () => {
    const env = compose.services['subgraph-care']?.environment ?? {};
    const raw = readFileSync(path.join(__dirname, '..', 'config', 'sources.json'), 'utf8');
    for (const instance of instancesOf(loadSources())) {
      const variable = new RegExp(`"\\$\\{([A-Z_]+):-[^}]+\\}"`).exec(JSON.stringify(JSON.parse(raw).instances[instance.id].baseUrl))?.[1];
      expect(variable).toBeDefined();
      expect(env[variable as string]).toBe(`${new URL(instance.baseUrl).protocol}//simulators:${new URL(instance.baseUrl).port}`);
    }
  });

  it('gives every process the keys it shares with the others: the gateway signs what each subgraph checks', () => {
    const gateway = compose.services.gateway?.environment ?? {};
    const publicOf = (jwk: string) => createPublicKey(createPrivateKey({ key: JSON.parse(jwk) as JsonWebKey, format: 'jwk' })).export({ format: 'jwk' });
    const signing = publicOf(gateway.INTERNAL_TOKEN_PRIVATE_KEY ?? '{}');
    for (const name of SUBGRAPH_NAMES) {
      const env = compose.services[`subgraph-${name}`]?.environment ?? {};
      expect(JSON.parse(env.INTERNAL_TOKEN_PUBLIC_KEY ?? '{}')).toEqual(signing);
      expect(env.ACCESS_GRANT_SECRET).toBe(compose.services['subgraph-person']?.environment?.ACCESS_GRANT_SECRET);
      // An id one subgraph issues is read back by the person subgraph (node) and the gateway (the access log).
      expect(env.GLOBAL_ID_KEY).toBe(gateway.GLOBAL_ID_KEY);
      expect(env.INTERNAL_TOKEN_PRIVATE_KEY).toBeUndefined();
    }
    expect(gateway.AUDIT_PSEUDONYM_KEY).toBe(compose.services['subgraph-person']?.environment?.AUDIT_PSEUDONYM_KEY);
    expect(gateway.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
    // The demo runs the development identity provider, which production refuses: never both.
    expect([gateway.DEV_IDP, gateway.NODE_ENV]).toEqual(['on', 'development']);
  });
  it('runs the compiled JavaScript of each process, built from a source that exists', () => {
    const commands = Object.entries(compose.services).filter(([name]) => name !== 'redis' && name !== 'postgres');
    for (const [name, service] of commands) {
      const script = service.command?.[0] ?? '';
      expect([name, script]).toEqual([name, expect.stringMatching(/^dist\/.+\.js$/)]);
      expect([name, existsSync(fromRoot(script.replace(/^dist\//, '').replace(/\.js$/, '.ts')))]).toEqual([name, true]);
    }
    expect(compose.services.gateway?.command).toEqual(['dist/gateway/main.js']);
    expect(compose.services.simulators?.command).toEqual(['dist/simulators/main.js']);
  });
});

describe('docker-compose.yml health', () => {
  it("checks every process's readiness on its own port, and starts a service only once what it needs is healthy", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect([name, service.healthcheck?.test?.length ?? 0]).toEqual([name, expect.any(Number)]);
      expect(service.healthcheck).toBeDefined();
      if (name === 'redis' || name === 'postgres') continue;
      const port = name === 'simulators' ? '4100' : service.environment?.PORT;
      expect([name, service.healthcheck?.test?.join(' ')]).toEqual([name, expect.stringContaining(`http://127.0.0.1:${port}/health/ready`)]);
      const needs = service.depends_on ?? {};
      expect([name, Array.isArray(needs)]).toEqual([name, false]);
      for (const [dependency, how] of Object.entries(needs)) expect([name, dependency, how.condition]).toEqual([name, dependency, 'service_healthy']);
    }
    expect(Object.keys(compose.services.gateway?.depends_on ?? {})).toEqual(expect.arrayContaining(SUBGRAPH_NAMES.map((n) => `subgraph-${n}`)));
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(fromRoot('Dockerfile'), 'utf8');
  const runStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('builds with the dev dependencies and runs with production dependencies only', () => {
    expect(dockerfile).toMatch(/FROM \S+ AS build[\s\S]*RUN npm ci [^\n]*\n[\s\S]*RUN npm run build/);
    expect(runStage).toMatch(/RUN npm ci --omit=dev/);
    expect(runStage).toContain('COPY --from=build /app/dist ./dist');
    expect(runStage).not.toMatch(/tsx/);
  });

  it('runs node with the V8 flags `npm start`, the tests and the benchmark use (scripts/system.ts)', () => {
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(runStage)?.[1];
    expect(JSON.parse(entrypoint ?? '[]')).toEqual(['node', ...NODE_FLAGS]);
    expect(runStage).toMatch(/^CMD \["dist\/gateway\/main\.js"\]$/m);
  });

  it('copies every file the processes read at run time into the image', () => {
    const copied = [...runStage.matchAll(/^COPY (?!--from)(\S+)/gm)].map((m) => m[1]);
    for (const file of [CONFIG_DIR, SCHEMA_DIR, path.dirname(FIRST_QUERY_FILE), DEMO_PATIENTS_FILE]) {
      const relative = path.relative(REPOSITORY_ROOT, file);
      expect([relative, copied.some((c) => c !== undefined && (relative === c || relative.startsWith(`${c}/`)))]).toEqual([relative, true]);
    }
  });
});
