import { within } from './within';

describe('within', () => {
  it('gives what the promise settles to in time, and the late answer otherwise', async () => {
    expect(await within(Promise.resolve('in time'), 1000, () => 'late')).toBe('in time');
    expect(await within(new Promise<string>(() => undefined), 10, () => 'late')).toBe('late');
  });

  it('rejects as the promise does, or as the late answer throws', async () => {
    await expect(within(Promise.reject(new Error('failed')), 1000, () => 'late')).rejects.toThrow('failed');
    await expect(
      within(new Promise<string>(() => undefined), 10, () => {
        throw new Error('timed out');
      }),
    ).rejects.toThrow('timed out');
  });
});
