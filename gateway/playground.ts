import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { fromRoot } from '../lib/repositoryRoot';

/**
 * The playground: GraphiQL 3 served from node_modules (its UMD bundle with React 18's), so it works on a
 * machine without internet and loads nothing from a CDN. A strict Content-Security-Policy keeps it so.
 */
const here = fromRoot('gateway', 'playground');
const moduleDir = (pkg: string) => path.dirname(require.resolve(`${pkg}/package.json`));

const FILES: Record<string, { file: string; type: string }> = {
  'react.production.min.js': { file: path.join(moduleDir('react'), 'umd', 'react.production.min.js'), type: 'application/javascript' },
  'react-dom.production.min.js': { file: path.join(moduleDir('react-dom'), 'umd', 'react-dom.production.min.js'), type: 'application/javascript' },
  'graphiql.min.js': { file: path.join(moduleDir('graphiql'), 'graphiql.min.js'), type: 'application/javascript' },
  'graphiql.min.css': { file: path.join(moduleDir('graphiql'), 'graphiql.min.css'), type: 'text/css' },
  'init.js': { file: path.join(here, 'init.js'), type: 'application/javascript' },
  'playground.css': { file: path.join(here, 'playground.css'), type: 'text/css' },
};

export const FIRST_QUERY_FILE = path.join(here, 'first-query.graphql');
/** What a citizen persona starts with: their own record through `me`, and who has read it. */
export const MY_RECORD_QUERY_FILE = path.join(here, 'my-record.graphql');
/** What a researcher or administrator starts with: an aggregate, as a job whose progress the page shows. */
export const RESEARCH_QUERY_FILE = path.join(here, 'research.graphql');
const DEMO_PATIENTS_FILE = fromRoot('simulators', 'population', 'demo-patients.json');

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

function demoPatients(): unknown[] {
  try {
    return (JSON.parse(readFileSync(DEMO_PATIENTS_FILE, 'utf8')) as { patients: unknown[] }).patients;
  } catch {
    return []; // a deployment without the simulated population has no demo patients to offer
  }
}

/**
 * `personas`: the development identity provider is on, so the page offers its personas and fetches their
 * tokens itself; without it (production) the reader pastes their own token in GraphiQL's headers tab.
 */
export function playgroundRouter(personas: boolean): Router {
  const router = express.Router();
  const html = readFileSync(path.join(here, 'index.html'), 'utf8');
  const defaults = JSON.stringify({
    query: readFileSync(FIRST_QUERY_FILE, 'utf8'),
    citizenQuery: readFileSync(MY_RECORD_QUERY_FILE, 'utf8'),
    researchQuery: readFileSync(RESEARCH_QUERY_FILE, 'utf8'),
    demoPatients: demoPatients(),
    personas,
  });
  router.get('/', (_req, res) => {
    res.set('Content-Security-Policy', CSP).set('Cache-Control', 'no-store').type('html').send(html);
  });
  router.get('/playground/defaults.json', (_req, res) => {
    res.set('Cache-Control', 'no-store').type('json').send(defaults);
  });
  router.get('/playground/:file', (req, res) => {
    // Own properties only: a name like `constructor` must not reach Object.prototype.
    const entry = Object.hasOwn(FILES, req.params.file) ? FILES[req.params.file] : undefined;
    if (!entry) {
      res.status(404).end();
      return;
    }
    res.set('Cache-Control', 'public, max-age=3600').type(entry.type).sendFile(entry.file);
  });
  return router;
}
