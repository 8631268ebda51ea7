/** Load shapes and percentiles for the benchmark. */

export interface LoadResult {
  requests: number;
  failed: number;
  /** What the first failure said, to tell a timeout from a refusal. */
  firstFailure: string | undefined;
  seconds: number;
  perSecond: number;
  latencies: number[];
}

/**
 * `clients` loops, each sending its next request as soon as the last one answered, until `seconds` have
 * passed (a closed loop: what a fixed number of busy users gets out of the system) or, with `total`,
 * until that many requests were sent (a fixed amount of work, to compare CPU spent on it).
 */
export async function closedLoop(
  clients: number,
  limit: { seconds: number } | { total: number },
  send: (i: number) => Promise<{ ok: boolean; failure?: string }>,
): Promise<LoadResult> {
  const t0 = performance.now();
  const until = 'seconds' in limit ? t0 + limit.seconds * 1000 : Infinity;
  const total = 'total' in limit ? limit.total : Infinity;
  let sent = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (sent < total && performance.now() < until) {
        const i = sent++;
        const start = performance.now();
        const result = await send(i).catch((error: unknown) => ({ ok: false, failure: String(error) }));
        latencies.push(performance.now() - start);
        if (!result.ok) {
          failed++;
          firstFailure ??= result.failure ?? 'failed';
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { requests: latencies.length, failed, firstFailure, seconds, perSecond: latencies.length / seconds, latencies };
}

/** The q-quantile (0.5 for the median) by the nearest-rank method; NaN for no samples. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export const p50 = (samples: readonly number[]): number => quantile(samples, 0.5);
export const p95 = (samples: readonly number[]): number => quantile(samples, 0.95);
