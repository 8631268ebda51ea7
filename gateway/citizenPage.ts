import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { fromRoot } from '../lib/repositoryRoot';

/**
 * Min journal: the citizen's own page (issue 16), at `/min-journal`. Plain HTML, CSS and JavaScript modules
 * from the gateway's own files (gateway/citizen/), nothing from a CDN and no framework; the page asks the
 * public graph only, with the citizen's token, so it is also the reference client for frontend teams
 * (gateway/citizen/operations.graphql holds every operation it sends, by name). The page imports their texts from
 * operations.js, which GraphQL Code Generator writes from them (examples/codegen.ts) and which is checked in:
 * nothing is built when the page is served, and what the page sends has been checked against the public schema.
 *
 * A strict Content-Security-Policy: scripts and styles from this origin only (no inline script or style, no
 * eval), requests to this origin only, Trusted Types required (the page builds its DOM with text, never HTML
 * strings), no framing, no form posted elsewhere.
 */
const here = fromRoot('gateway', 'citizen');

export const CITIZEN_PAGE_PATH = '/min-journal';

export const CITIZEN_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

/** The page's files by name: what the folder holds at start, and nothing else (no path from the request reaches the disk). */
function staticFiles(): Map<string, { file: string; type: string }> {
  const files = new Map<string, { file: string; type: string }>();
  for (const name of readdirSync(here)) {
    const type = TYPES[path.extname(name)];
    if (type) files.set(name, { file: path.join(here, name), type });
  }
  return files;
}

/**
 * `devLogin`: the development identity provider is on, so the page logs in as a citizen persona through
 * `POST /dev-idp/token` (gateway/citizen/login.js). In production that module is replaced by an ID-porten login.
 */
export function citizenPageRouter(devLogin: boolean): Router {
  const router = express.Router();
  const html = readFileSync(path.join(here, 'index.html'), 'utf8');
  const files = staticFiles();
  const config = JSON.stringify({ devLogin });
  router.get(CITIZEN_PAGE_PATH, (_req, res) => {
    res.set('Content-Security-Policy', CITIZEN_PAGE_CSP).set('Cache-Control', 'no-store').type('html').send(html);
  });
  router.get(`${CITIZEN_PAGE_PATH}/config.json`, (_req, res) => {
    res.set('Cache-Control', 'no-store').type('json').send(config);
  });
  router.get(`${CITIZEN_PAGE_PATH}/:file`, (req, res) => {
    const entry = files.get(req.params.file);
    if (!entry) {
      res.status(404).end();
      return;
    }
    // no-cache: the browser asks again each time (a 304 when unchanged), so a new release is never half old.
    res.set('Cache-Control', 'no-cache').type(entry.type).sendFile(entry.file);
  });
  return router;
}
