/** The benchmark's printed table. */

export interface Target {
  name: string;
  value: number;
  limit: number;
  met: boolean;
  unit: string;
}

interface Figures {
  latencyMs?: number;
  runtime?: string;
  cache?: string;
  seconds?: number;
  summary?: { coldMs: Sample; warmMs: Sample; warmAtZeroLatencyMs: Sample };
  worklist?: { ms: Record<string, Sample>; callsBeyondAllowed: string[]; followUpPages: string[] };
  throughput?: { cacheOn: Throughput; cacheOff: Throughput };
  cpu?: { oursMsPerSummary: number; baselineMsPerSummary: number; msPerSummaryByProcess: Record<string, number> };
  memoryMb?: { idle: Record<string, number>; afterLoad: Record<string, number>; pssAfterLoad: Record<string, number>; gatewayAndSubgraphsAfterLoad: { rss: number; pss: number } };
  warnings?: { cpuMsPerSummary: { without: number; with: number }; warmMs: { without: Sample; with: Sample } };
  aliases?: { smallQueryMs: number; aliasRequest: { ms: number; status: number; code: unknown } };
}

interface Sample {
  p50: number;
  p95: number;
}

interface Throughput {
  perSecond: number;
  failed: number;
  p50Ms: number;
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

export function printReport(targets: Target[], raw: Record<string, unknown>): void {
  const f = raw as Figures;
  const lines = [
    '',
    `Targets (${f.latencyMs} ms per legacy call, ${f.runtime}, source cache ${f.cache}, ${f.seconds} s)`,
    `  ${'target'.padEnd(66)} ${pad('value', 9)} ${pad('limit', 9)}  met`,
    ...targets.map((t) => `  ${t.name.padEnd(66)} ${pad(`${t.value} ${t.unit}`, 9)} ${pad(`${t.limit} ${t.unit}`, 9)}  ${t.met ? 'yes' : 'NO'}`),
  ];
  if (f.summary) {
    lines.push(
      '',
      'Patient summary (p50 / p95)',
      `  first read        ${pad(f.summary.coldMs.p50, 7)} / ${pad(f.summary.coldMs.p95, 7)} ms`,
      `  warm              ${pad(f.summary.warmMs.p50, 7)} / ${pad(f.summary.warmMs.p95, 7)} ms`,
      `  warm, 0 ms        ${pad(f.summary.warmAtZeroLatencyMs.p50, 7)} / ${pad(f.summary.warmAtZeroLatencyMs.p95, 7)} ms`,
    );
  }
  if (f.worklist) {
    lines.push('', 'Worklist, source cache off (p50 / p95; 1,000 = ten requests of 100 at once)');
    for (const [n, s] of Object.entries(f.worklist.ms)) lines.push(`  ${pad(n, 5)} patients    ${pad(s.p50, 7)} / ${pad(s.p95, 7)} ms`);
    for (const line of f.worklist.callsBeyondAllowed) lines.push(`  more calls than one per kind of data: ${line}`);
    if (f.worklist.followUpPages.length) lines.push(`  follow-up pages (not counted): ${f.worklist.followUpPages.join(', ')}`);
  }
  if (f.throughput) {
    const t = (x: Throughput) => `${pad(x.perSecond, 6)} summaries/s (p50 ${x.p50Ms} ms, ${x.failed} failed)`;
    lines.push('', 'Throughput, 32 clients, warm summaries', `  cache on     ${t(f.throughput.cacheOn)}`, `  cache off    ${t(f.throughput.cacheOff)}`);
  }
  if (f.cpu) {
    lines.push('', `Gateway CPU per summary: ours ${f.cpu.oursMsPerSummary} ms, plain @apollo/gateway ${f.cpu.baselineMsPerSummary} ms`);
    const rest = Object.entries(f.cpu.msPerSummaryByProcess).filter(([n]) => n !== 'baseline-gateway');
    lines.push(`  every process, per summary through ours: ${rest.map(([n, ms]) => `${n} ${ms}`).join(', ')} (ms)`);
  }
  if (f.warnings) {
    const w = f.warnings;
    lines.push(
      '',
      'Decision support (h): warm summary without / with clinicalWarnings and each medicine\'s warnings',
      `  CPU, every process  ${pad(w.cpuMsPerSummary.without, 7)} / ${pad(w.cpuMsPerSummary.with, 7)} ms per summary`,
      `  latency p50         ${pad(w.warmMs.without.p50, 7)} / ${pad(w.warmMs.with.p50, 7)} ms`,
    );
  }
  if (f.memoryMb) {
    const m = f.memoryMb;
    lines.push('', 'Resident memory                 VmRSS idle   after load   PSS after load');
    for (const [name, v] of Object.entries(m.afterLoad)) {
      lines.push(`  ${name.padEnd(26)} ${pad(Math.round(m.idle[name] ?? NaN), 8)} MB ${pad(Math.round(v), 8)} MB ${pad(Math.round(m.pssAfterLoad[name] ?? NaN), 10)} MB`);
    }
    lines.push(`  ${'gateway + subgraphs'.padEnd(26)} ${pad('', 11)} ${pad(Math.round(m.gatewayAndSubgraphsAfterLoad.rss), 8)} MB ${pad(Math.round(m.gatewayAndSubgraphsAfterLoad.pss), 10)} MB`);
  }
  if (f.aliases) {
    const a = f.aliases.aliasRequest;
    lines.push('', `150 aliases: the request took ${Math.round(a.ms)} ms (HTTP ${a.status}${a.code ? `, ${String(a.code)}` : ''}); { __typename } meanwhile ${Math.round(f.aliases.smallQueryMs)} ms`);
  }
  console.log(lines.join('\n'));
}
