import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser } from 'playwright-core';

/**
 * The browser for browser tests. It comes from npm so that `npm test` needs nothing beyond Node and npm:
 * no apt package, and no browser download at run time (these machines reach the npm registry only).
 * `@sparticuz/chromium` ships a packed headless Chromium inside the package and unpacks it to the OS temp
 * folder on first use; `CHROMIUM_PATH` names an operator's own Chromium instead.
 *
 * The package unpacks without a guard (it returns the binary as soon as the file exists, even half
 * written), and two jest workers may ask at once: so unpacking is serialised by a lock file, and a stamp
 * written after a complete unpack tells a finished binary from one a killed run left behind (or one of
 * another package version).
 */
export async function launchBrowser(): Promise<Browser> {
  const own = process.env.CHROMIUM_PATH;
  if (own) {
    if (!existsSync(own)) throw new Error(`CHROMIUM_PATH=${own}: no such file`);
    return chromium.launch({ executablePath: own, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', ...OFFLINE] });
  }
  // A dynamic import: the package's types say ESM (its `types` condition comes first), its `require` build is CommonJS.
  const { default: serverlessChromium } = await import('@sparticuz/chromium');
  const executablePath = await unpackedChromium(serverlessChromium);
  const args = serverlessChromium.args;
  return chromium.launch({ executablePath, headless: true, args: [...args, ...OFFLINE.filter((flag) => !args.includes(flag))] });
}

/** Chromium must not reach for Google: updates, sync, field trials, default apps. */
const OFFLINE = ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-default-apps'];

const TEMP = tmpdir();
const BINARY = join(TEMP, 'chromium');
/** What the package writes (see its lambdafs.ts): the binary, fonts/, and SwiftShader beside the binary. */
const UNPACKED = [BINARY, join(TEMP, 'fonts'), join(TEMP, 'libGLESv2.so')];
const LOCK = join(TEMP, 'patient-graph-chromium.lock');
const STAMP = join(TEMP, 'patient-graph-chromium.json');
const LOCK_WAIT_MS = 180_000;

async function unpackedChromium(serverlessChromium: { executablePath(): Promise<string> }): Promise<string> {
  const release = await lock();
  try {
    const version = packageVersion();
    if (stampMatches(version, BINARY)) return BINARY;
    // Half written, of another version, or unpacked by someone we cannot vouch for: unpack afresh. (The
    // package skips whatever already exists: the binary, fonts/, and SwiftShader by libGLESv2.so.)
    for (const path of UNPACKED) remove(path);
    const unpacked = await serverlessChromium.executablePath();
    writeFileSync(STAMP, JSON.stringify({ version, path: unpacked, size: statSync(unpacked).size }));
    return unpacked;
  } finally {
    release();
  }
}

/** Removes what a previous unpack left; another user's files (sticky temp folder) stay and are used. */
function remove(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EACCES') throw error;
  }
}

function stampMatches(version: string, binary: string): boolean {
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8')) as { version?: string; path?: string; size?: number };
    return stamp.version === version && stamp.path === binary && statSync(binary).size === stamp.size;
  } catch {
    return false;
  }
}

function packageVersion(): string {
  // build/cjs/index.cjs → the package folder
  const main = require.resolve('@sparticuz/chromium');
  return (JSON.parse(readFileSync(join(dirname(main), '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Takes the lock file (`wx`: only one creator wins), waiting while a live process holds it. */
async function lock(): Promise<() => void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      return () => rmSync(LOCK, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder();
    if (holder !== undefined && isStale(holder)) {
      // Remove it only if it is still the same dead holder's lock.
      if (readHolder() === holder) rmSync(LOCK, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`Waited ${LOCK_WAIT_MS / 1000} s for ${LOCK} (held by process ${holder ?? '?'}); delete it if no test is unpacking Chromium`);
    }
    await sleep(100);
  }
}

function readHolder(): string | undefined {
  try {
    return readFileSync(LOCK, 'utf8');
  } catch {
    return undefined;
  }
}

/** A lock is stale when its process is gone, or when it is too old to be a live unpack. */
function isStale(holder: string): boolean {
  let age: number;
  try {
    age = Date.now() - statSync(LOCK).mtimeMs;
  } catch {
    return false; // gone already: take it on the next turn
  }
  if (age > LOCK_WAIT_MS) return true;
  const pid = Number(holder);
  // No pid yet: being written this instant, unless its writer died between creating and writing it.
  if (!holder || !Number.isInteger(pid) || pid <= 0) return age > 5_000;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
