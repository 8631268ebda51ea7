import path from 'node:path';
import { fromRoot } from '../lib/repositoryRoot';
import { movePort, portPlanFromEnv, storeFiles } from './system';

describe('portPlanFromEnv (where npm start listens)', () => {
  it('keeps the README layout when nothing is set, or PORT is its own 4000', () => {
    expect(portPlanFromEnv({})).toBe('default');
    expect(portPlanFromEnv({ PORT: '4000' })).toBe('default');
    expect(portPlanFromEnv({ PORT: ' ' })).toBe('default');
  });

  it('moves the gateway and lets the rest follow it, or puts the rest on free ports', () => {
    expect(portPlanFromEnv({ PORT: '14000' })).toEqual({ gateway: 14000, others: 'follow' });
    expect(portPlanFromEnv({ PORTS: 'auto' })).toEqual({ gateway: 4000, others: 'auto' });
    expect(portPlanFromEnv({ PORT: '8080', PORTS: 'auto' })).toEqual({ gateway: 8080, others: 'auto' });
  });

  it('says what is wrong with a port that cannot be', () => {
    expect(() => portPlanFromEnv({ PORT: 'http' })).toThrow(/PORT must be a whole number from 1 to 65374/);
    // Following it, the simulators would go past the last port.
    expect(() => portPlanFromEnv({ PORT: '65400' })).toThrow(/up to PORT\+161; PORTS=auto/);
    expect(portPlanFromEnv({ PORT: '65400', PORTS: 'auto' })).toEqual({ gateway: 65400, others: 'auto' });
    expect(() => portPlanFromEnv({ PORTS: 'random' })).toThrow(/PORTS must be follow or auto/);
  });
});

describe('movePort', () => {
  it('moves a URL on this machine and leaves a real system elsewhere where it is', () => {
    expect(movePort('http://127.0.0.1:4111', 10000)).toBe('http://127.0.0.1:14111');
    expect(movePort('http://localhost:4121/api/', 100)).toBe('http://localhost:4221/api/');
    expect(movePort('https://ehr.example.no:8443/fhir', 10000)).toBe('https://ehr.example.no:8443/fhir');
    expect(movePort('http://127.0.0.1/x', 5)).toBe('http://127.0.0.1/x');
  });
});

describe('storeFiles (where a system keeps its access log, outbox and research log)', () => {
  const shell = { AUDIT_LOG_FILE: '/srv/real/access-log.jsonl', OUTBOX_FILE: '/srv/real/outbox.jsonl' };

  it("keeps a test's apart from the shell's real log and outbox", () => {
    expect(storeFiles({ isolated: true, gatewayPort: 0, tmp: '/tmp/t1', shell })).toEqual({
      auditLogFile: path.join('/tmp/t1', 'access-log.jsonl'),
      outboxFile: path.join('/tmp/t1', 'outbox.jsonl'),
      researchLogFile: path.join('/tmp/t1', 'research-log.jsonl'),
    });
  });

  it('takes what a test names itself', () => {
    expect(storeFiles({ isolated: true, gatewayPort: 0, tmp: '/tmp/t1', env: { AUDIT_LOG_FILE: '/tmp/mine.jsonl' }, shell }).auditLogFile).toBe('/tmp/mine.jsonl');
  });

  it("lets npm start follow the shell, and moves a second system's files with its port", () => {
    expect(storeFiles({ isolated: false, gatewayPort: 4000, tmp: '/tmp/t1', shell })).toEqual({ auditLogFile: shell.AUDIT_LOG_FILE, outboxFile: shell.OUTBOX_FILE });
    expect(storeFiles({ isolated: false, gatewayPort: 4000, tmp: '/tmp/t1', shell: {} })).toEqual({ auditLogFile: undefined, outboxFile: undefined });
    expect(storeFiles({ isolated: false, gatewayPort: 14000, tmp: '/tmp/t1', shell: {} })).toEqual({
      auditLogFile: fromRoot('var', 'port-14000', 'access-log.jsonl'),
      outboxFile: fromRoot('var', 'port-14000', 'outbox.jsonl'),
      researchLogFile: fromRoot('var', 'port-14000', 'research-log.jsonl'),
    });
  });
});
