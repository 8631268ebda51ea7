import { movePort, portPlanFromEnv } from './system';

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
