import { settingProblems } from '../lib/settingsCheck';
import { gatewayChecks } from './settings';

describe("the gateway's settings, checked at once", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('names what the gateway would stop on at start: subgraph URLs, limits and the rate limit', () => {
    Object.assign(process.env, { SUBGRAPH_URLS: '{', SUBGRAPH_TIMEOUT_MS: '10000', LIMIT_DEPTH: 'deep', RATE_LIMIT: 'sometimes' });
    const problems = settingProblems(gatewayChecks());
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/SUBGRAPH_URLS is not JSON/), expect.stringMatching(/LIMIT_DEPTH/), expect.stringMatching(/RATE_LIMIT must be on or off/)]),
    );
  });

  it('says nothing of them when they are right', () => {
    Object.assign(process.env, { SUBGRAPH_URLS: '{"care":"http://127.0.0.1:4003/graphql"}', LIMIT_DEPTH: '12', RATE_LIMIT: 'on' });
    expect(settingProblems(gatewayChecks()).filter((p) => /SUBGRAPH_|LIMIT_|RATE_LIMIT/.test(p))).toEqual([]);
  });
});
