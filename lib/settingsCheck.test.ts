import { ConfigError } from './config';
import { assertSettings, checkProductionSettings, settingNotes, settingProblems } from './settingsCheck';

const failing = (message: string) => () => {
  throw new ConfigError(message);
};

describe('settings checked at once', () => {
  it('collects every problem, each once, and names a reader that failed otherwise', () => {
    const problems = settingProblems([
      { name: 'A', read: failing('A must be set') },
      { name: 'fine', read: () => 1 },
      { name: 'A again', read: failing('A must be set') },
      { name: 'sources', read: () => JSON.parse('{') },
    ]);
    expect(problems).toEqual(['A must be set', expect.stringMatching(/^sources: .*JSON/)]);
  });

  it('throws one ConfigError listing them all, and nothing when all is well', () => {
    expect(() => assertSettings([{ name: 'ok', read: () => true }])).not.toThrow();
    expect(() => assertSettings([{ name: 'A', read: failing('A must be set') }, { name: 'B', read: failing('B must be set') }])).toThrow(
      /2 settings are missing or for development only .*\n {2}- A must be set\n {2}- B must be set/,
    );
  });

  it('checks only with NODE_ENV=production, and warns of what production allows', () => {
    const warn = jest.fn();
    const checks = [{ name: 'A', read: failing('A must be set') }];
    expect(() => checkProductionSettings(checks, { warn }, { NODE_ENV: 'development' })).not.toThrow();
    expect(() => checkProductionSettings(checks, { warn }, { NODE_ENV: 'production' })).toThrow(ConfigError);
    checkProductionSettings([], { warn }, { NODE_ENV: 'production', DATABASE_URL: 'postgres://x', REDIS_URL: 'redis://x' });
    // The committed sources point at the simulators on this machine: worth a note, not a refusal.
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/source instances on this machine .*care-bergen/));
    expect(settingNotes({})).toEqual(expect.arrayContaining([expect.stringMatching(/^DATABASE_URL is not set/), expect.stringMatching(/^REDIS_URL is not set/)]));
  });
});
