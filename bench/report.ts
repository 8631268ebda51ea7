/** The benchmark's printed table. */

export interface Target {
  name: string;
  value: number;
  limit: number;
  met: boolean;
  unit: string;
}

interface ModeRaw {
  summary?: { coldMs: Sample; warmMs: Sample; warmAtZeroLatencyMs: Sample };
  worklist?: { ms: Record<string, Sample>; cpuMsPerPatient: number; warm: { ms: Sample; cpuMsPerPatient: number }; callsBeyondAllowed: string[]; followUpPages: string[] };
  throughput?: { cacheOn: Throughput; cacheOff: Throughput };
  cpu?: { allMsPerSummary: number; gatewayMsPerSummary: number; baselineMsPerSummary?: number; msPerSummaryByProcess: Record<string, number> };
  memoryMb?: { afterLoad: Record<string, number>; afterWorklists: Record<string, number>; pssAfterWorklists: Record<string, number>; wholeSystemAfterWorklists: { rss: number; pss: number } };
  warnings?: { cpuMsPerSummary: { without: number; with: number }; warmMs: { without: Sample; with: Sample } };
  aliases?: { smallQueryMs: number; aliasRequest: { ms: number; status: number; code: unknown } };
}

interface Figures {
  alerts?: {
    subscribers: number;
    patients: number;
    eventsPerSecond: number;
    seconds: number;
    expected: number;
    delivered: number;
    latencyMs: { p50: number; p95: number; p99: number; max: number };
    firstSecondP95Ms: number;
    lastSecondP95Ms: number;
    deliveriesPerSecond: number;
    gatewayCpuMsPerDelivery: number;
  };
  /** bench/research.ts's ResearchFigures (issue 21), the part printed. */
  research?: {
    question: string;
    patients: number;
    alone: { status: string; wallSeconds: number; serverSeconds: number; batches: number; missingSectors: string[] };
    jobCpuMs: Record<string, number>;
    perSource: { source: string; patients: number; basis: string; calls: number; allowed: number; callsPer25Patients: number; met: boolean }[];
    totalCalls: number;
    clinicalSummary: { clients: number; without: Throughput & { requests: number; p95Ms: number }; with: Throughput & { requests: number; p95Ms: number }; ratio: number; phases: { phase: string; requests: number; p50Ms: number }[]; jobsUnderLoad: { status: string; wallSeconds: number }[] };
  };
  latencyMs?: number;
  runtime?: string;
  cache?: string;
  seconds?: number;
  baselineGatewayCpuMsPerSummary?: number;
  byMode?: Record<string, ModeRaw>;
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

/** The targets of every mode side by side (one column per mode), then each mode's figures. */
export function printReport(targets: Record<string, Target[]>, raw: Record<string, unknown>): void {
  const f = raw as Figures;
  const modes = Object.keys(targets);
  const names = [...new Set(modes.flatMap((m) => (targets[m] ?? []).map((t) => t.name)))];
  const cell = (mode: string, name: string) => {
    const t = targets[mode]?.find((x) => x.name === name);
    return t ? `${t.value} ${t.unit} ${t.met ? 'yes' : 'NO '}` : '–';
  };
  const limitOf = (name: string) => {
    const t = modes.map((m) => targets[m]?.find((x) => x.name === name)).find(Boolean);
    return t ? `${t.limit} ${t.unit}` : '';
  };
  const lines = [
    '',
    `Targets (${f.latencyMs} ms per legacy call, ${f.runtime}, source cache ${f.cache}, ${f.seconds} s; ${Number.isFinite(f.baselineGatewayCpuMsPerSummary) ? `plain Apollo Gateway ${f.baselineGatewayCpuMsPerSummary} ms CPU per summary` : 'no plain Apollo Gateway: it runs beside the separate mode'})`,
    `  ${'target'.padEnd(72)} ${modes.map((m) => pad(m, 16)).join(' ')} ${pad('limit', 10)}`,
    ...names.map((n) => `  ${n.padEnd(72)} ${modes.map((m) => pad(cell(m, n), 16)).join(' ')} ${pad(limitOf(n), 10)}`),
  ];
  for (const [mode, m] of Object.entries(f.byMode ?? {})) {
    lines.push('', `—— ${mode} ——`);
    if (m.summary) {
      lines.push(
        'Patient summary (p50 / p95)',
        `  first read        ${pad(m.summary.coldMs.p50, 7)} / ${pad(m.summary.coldMs.p95, 7)} ms`,
        `  warm              ${pad(m.summary.warmMs.p50, 7)} / ${pad(m.summary.warmMs.p95, 7)} ms`,
        `  warm, 0 ms        ${pad(m.summary.warmAtZeroLatencyMs.p50, 7)} / ${pad(m.summary.warmAtZeroLatencyMs.p95, 7)} ms`,
      );
    }
    if (m.worklist) {
      lines.push(`Worklist, source cache off (p50 / p95; 1,000 = ten requests of 100 at once); ${m.worklist.cpuMsPerPatient} ms CPU per patient`);
      for (const [n, s] of Object.entries(m.worklist.ms)) lines.push(`  ${pad(n, 5)} patients    ${pad(s.p50, 7)} / ${pad(s.p95, 7)} ms`);
      lines.push(`  100 patients, cache warm ${pad(m.worklist.warm.ms.p50, 7)} / ${pad(m.worklist.warm.ms.p95, 7)} ms; ${m.worklist.warm.cpuMsPerPatient} ms CPU per patient`);
      for (const line of m.worklist.callsBeyondAllowed) lines.push(`  more calls than one per kind of data: ${line}`);
      if (m.worklist.followUpPages.length) lines.push(`  follow-up pages (not counted): ${m.worklist.followUpPages.join(', ')}`);
    }
    if (m.throughput) {
      const t = (x: Throughput) => `${pad(x.perSecond, 6)} summaries/s (p50 ${x.p50Ms} ms, ${x.failed} failed)`;
      lines.push('Throughput, 32 clients, warm summaries', `  cache on     ${t(m.throughput.cacheOn)}`, `  cache off    ${t(m.throughput.cacheOff)}`);
    }
    if (m.cpu) {
      lines.push(`CPU per warm summary: every process of ours ${m.cpu.allMsPerSummary} ms, gateway ${m.cpu.gatewayMsPerSummary} ms${m.cpu.baselineMsPerSummary !== undefined ? `, plain @apollo/gateway ${m.cpu.baselineMsPerSummary} ms` : ''}`);
      const rest = Object.entries(m.cpu.msPerSummaryByProcess).filter(([n]) => n !== 'baseline-gateway');
      lines.push(`  by process: ${rest.map(([n, ms]) => `${n} ${ms}`).join(', ')} (ms)`);
    }
    if (m.warnings) {
      const w = m.warnings;
      lines.push(`Decision support (h), without / with warnings: CPU ${w.cpuMsPerSummary.without} / ${w.cpuMsPerSummary.with} ms per summary, p50 ${w.warmMs.without.p50} / ${w.warmMs.with.p50} ms`);
    }
    if (m.memoryMb) {
      const mem = m.memoryMb;
      lines.push('Resident memory                 after load   after worklists   PSS after worklists');
      for (const [name, v] of Object.entries(mem.afterWorklists)) {
        lines.push(`  ${name.padEnd(26)} ${pad(Math.round(mem.afterLoad[name] ?? NaN), 8)} MB ${pad(Math.round(v), 12)} MB ${pad(Math.round(mem.pssAfterWorklists[name] ?? NaN), 15)} MB`);
      }
      lines.push(`  ${'gateway + subgraphs'.padEnd(26)} ${pad('', 11)} ${pad(Math.round(mem.wholeSystemAfterWorklists.rss), 12)} MB ${pad(Math.round(mem.wholeSystemAfterWorklists.pss), 15)} MB`);
    }
    if (m.aliases) {
      const a = m.aliases.aliasRequest;
      lines.push(`150 aliases: the request took ${Math.round(a.ms)} ms (HTTP ${a.status}${a.code ? `, ${String(a.code)}` : ''}); { __typename } meanwhile ${Math.round(m.aliases.smallQueryMs)} ms`);
    }
  }
  if (f.alerts) {
    const a = f.alerts;
    lines.push(
      '',
      '—— live alerts (embedded, cache in Redis) ——',
      `${a.subscribers} subscribers (each a reader of her own) over ${a.patients} patients, ${a.eventsPerSecond} alarms/s for ${a.seconds} s: ${a.delivered} of ${a.expected} deliveries, ${a.deliveriesPerSecond}/s`,
      `  push to subscriber p50 / p95 / p99 / max  ${a.latencyMs.p50} / ${a.latencyMs.p95} / ${a.latencyMs.p99} / ${a.latencyMs.max} ms; p95 in the first second ${a.firstSecondP95Ms} ms, in the last ${a.lastSecondP95Ms} ms`,
      `  gateway CPU per delivery (each a read as the subscriber) ${a.gatewayCpuMsPerDelivery} ms`,
    );
  }
  if (f.research) {
    // Issue 21: the job alone (its legacy calls, its wall time), then the clinical summary without and while it runs.
    const r = f.research;
    const c = r.clinicalSummary;
    lines.push(
      '',
      '—— research aggregate (embedded, source cache off) ——',
      `${r.question}: ${r.patients} patients in ${r.alone.batches} batches, ${r.alone.status} in ${r.alone.wallSeconds} s (server ${r.alone.serverSeconds} s); missing sectors: ${r.alone.missingSectors.join(', ') || 'none'}`,
      `  CPU while it ran alone: ${Object.entries(r.jobCpuMs).map(([n, ms]) => `${n} ${ms}`).join(', ')} (ms)`,
      `  legacy calls of the job alone (${r.totalCalls} in all); patients = those of the cohort the job asks that source about`,
      `  ${'source'.padEnd(24)} ${pad('calls', 6)} ${pad('patients', 9)} ${pad('allowed', 8)} ${pad('per 25', 7)}  basis`,
      ...r.perSource.map((s) => `  ${s.source.padEnd(24)} ${pad(s.calls, 6)} ${pad(s.patients, 9)} ${pad(s.allowed, 8)} ${pad(s.callsPer25Patients, 7)}  ${s.basis}${s.met ? '' : '  OVER'}`),
      `  clinical summary, ${c.clients} clients, p50 / p95: without a job ${c.without.p50Ms} / ${c.without.p95Ms} ms (${c.without.requests}, ${c.without.failed} failed), while it runs ${c.with.p50Ms} / ${c.with.p95Ms} ms (${c.with.requests}, ${c.with.failed} failed): × ${c.ratio}`,
      `  p50 by phase, in order: ${c.phases.map((p) => `${p.phase} ${p.p50Ms} ms (${p.requests})`).join(', ')}`,
      `  the same job under that load: ${c.jobsUnderLoad.map((j) => `${j.status} ${j.wallSeconds} s`).join(', ')}`,
    );
  }
  console.log(lines.join('\n'));
}
