import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_DIR, ConfigError, interpolateEnv, type SourcesConfig } from './config';
import type { Logger } from './logger';

/**
 * Every setting a process reads at start, checked at once: with NODE_ENV=production a process that lacks three
 * secrets names all three in one message, not one per restart, and `npm run config:check` prints the same without
 * starting anything. Each check is the reader the process itself uses (no second list of rules to drift).
 */
export interface SettingCheck {
  /** What it reads, for a failure that is not a ConfigError. */
  name: string;
  /** Throws ConfigError (what is wrong) when the setting is missing, malformed or for development only. */
  read: () => unknown;
}

/** What every check finds wrong, each problem once (several checks read AUDIT_PSEUDONYM_KEY). */
export function settingProblems(checks: readonly SettingCheck[]): string[] {
  const problems = new Set<string>();
  for (const check of checks) {
    try {
      check.read();
    } catch (error) {
      problems.add(error instanceof ConfigError ? error.message : `${check.name}: ${(error as Error).message}`);
    }
  }
  return [...problems];
}

/** Throws one ConfigError listing every problem the checks find. */
export function assertSettings(checks: readonly SettingCheck[]): void {
  const problems = settingProblems(checks);
  if (problems.length === 0) return;
  throw new ConfigError(
    `${problems.length === 1 ? 'one setting is' : `${problems.length} settings are`} missing or for development only (\`npm run config:check\` lists the same):\n  - ${problems.join('\n  - ')}`,
  );
}

/**
 * At a process's start with NODE_ENV=production: every problem in one ConfigError (the process does not start),
 * and what production allows but an operator should know, as warnings. Outside production the development
 * defaults stand in and nothing is checked here.
 */
export function checkProductionSettings(checks: readonly SettingCheck[], logger: Pick<Logger, 'warn'>, env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV !== 'production') return;
  assertSettings(checks);
  for (const note of settingNotes(env)) logger.warn(note);
}

/**
 * What production allows but an operator should know: development-sized choices that still run. Not errors: a
 * single replica may keep its access log in a file, a sidecar may listen on loopback.
 */
export function settingNotes(env: NodeJS.ProcessEnv = process.env): string[] {
  const notes: string[] = [];
  if (!env.DATABASE_URL) notes.push(`DATABASE_URL is not set: the access log is kept in a local file (${env.AUDIT_LOG_FILE || 'var/access-log.jsonl'}), which one machine only can write`);
  if (!env.REDIS_URL) notes.push('REDIS_URL is not set: the source cache, change-notice nonces and rate limits are kept in this process (not shared between replicas)');
  try {
    const file = env.SOURCES_FILE ?? path.join(CONFIG_DIR, 'sources.json');
    const sources = interpolateEnv(JSON.parse(readFileSync(file, 'utf8')) as SourcesConfig, { ...env, NODE_ENV: 'development' });
    const local = Object.entries(sources.instances).filter(([, i]) => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(i.baseUrl));
    if (local.length) notes.push(`${local.length} source instance${local.length === 1 ? '' : 's'} on this machine (the simulators' addresses?): ${local.map(([id]) => id).join(', ')}`);
  } catch {
    // The sources check itself reports a file that cannot be read.
  }
  return notes;
}
