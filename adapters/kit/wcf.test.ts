import { parseXml } from './xml';
import { wcfDate, wcfEnvelope } from './wcf';

describe('WCF helpers shared by the NHN registry adapters', () => {
  it('reads .NET DateTimes as the Norwegian date they stand for', () => {
    expect(wcfDate('2024-03-01T00:00:00')).toBe('2024-03-01');
    expect(wcfDate('2024-03-01T00:00:00.0000000')).toBe('2024-03-01');
    expect(wcfDate('2024-03-01T00:00:00+01:00')).toBe('2024-03-01');
    // UTC: Norwegian midnight is 23:00 (winter) or 22:00 (summer) the day before.
    expect(wcfDate('2024-02-29T23:00:00Z')).toBe('2024-03-01');
    expect(wcfDate('2024-06-30T22:00:00Z')).toBe('2024-07-01');
    expect(wcfDate('01.03.2024')).toBeNull();
    expect(wcfDate('2024-03-01')).toBeNull();
  });

  it('writes a SOAP 1.2 envelope with WS-Addressing, and WS-Security only with credentials', () => {
    const body = { Ping: { '@_xmlns': 'urn:test' } };
    const plain = wcfEnvelope({ action: 'urn:test/Ping', to: 'http://x.test/S.svc', body, options: {} });
    expect(plain).toContain('xmlns:s="http://www.w3.org/2003/05/soap-envelope"');
    expect(plain).not.toContain('Security');
    const now = new Date('2026-11-01T10:00:00Z');
    const secured = wcfEnvelope({ action: 'urn:test/Ping', to: 'http://x.test/S.svc', body, options: { username: 'u', password: 'p<&>' }, now });
    const header = (parseXml(secured) as { Envelope: { Header: { MessageID: string; Security: { Timestamp: unknown } } } }).Envelope.Header;
    expect(header.MessageID).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(header.Security.Timestamp).toEqual({ '@_Id': '_0', Created: '2026-11-01T10:00:00.000Z', Expires: '2026-11-01T10:05:00.000Z' });
    expect(secured).toContain('p&lt;&amp;&gt;');
  });
});
