import pino from 'pino';
import type { InstanceConfig } from '../../lib/config';
import { metrics } from '../../lib/metrics';
import { AdapterKit } from './AdapterKit';
import { SourceError, SourceFault } from './errors';

const instance = { id: 'gp-test', system: 'gp-kith', baseUrl: 'http://127.0.0.1:9', timeoutMs: 100 } as unknown as InstanceConfig;
const kit = new AdapterKit(pino({ level: 'silent' }));
const writes = async (outcome: string) => (await metrics().sourceWrites.get()).values.find((v) => v.labels.source === 'gp-test' && v.labels.outcome === outcome)?.value ?? 0;

describe("the kit's write side", () => {
  it('returns what the write answered, and counts it', async () => {
    const before = await writes('ok');
    expect(await kit.write(instance, 'message', async () => 'receipt')).toBe('receipt');
    expect(await writes('ok')).toBe(before + 1);
  });

  it("gives up at the instance's deadline with SOURCE_TIMEOUT, and aborts the call", async () => {
    let aborted = false;
    const hanging = kit.write(instance, 'message', (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => ((aborted = true), reject(new Error('aborted'))))));
    await expect(hanging).rejects.toMatchObject({ code: 'SOURCE_TIMEOUT', sourceId: 'gp-test' });
    expect(aborted).toBe(true);
  });

  it('turns a source fault and a bug of ours into a SourceError naming the instance, never anything else', async () => {
    await expect(kit.write(instance, 'message', async () => Promise.reject(new SourceFault({ status: 500, code: 'E1' } as never)))).rejects.toBeInstanceOf(SourceError);
    await expect(kit.write(instance, 'message', async () => Promise.reject(new TypeError('x is undefined')))).rejects.toMatchObject({ code: 'SOURCE_BAD_RESPONSE' });
  });
});
