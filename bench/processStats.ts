import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * What the kernel says a process holds and has spent (Linux /proc): resident memory from
 * /proc/<pid>/status (VmRSS), CPU time from /proc/<pid>/stat (utime + stime, user and system).
 */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Resident memory in MB (VmRSS), or NaN when the process is gone. */
export function rssMb(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Proportional set size in MB (/proc/<pid>/smaps_rollup): resident memory with each page shared by several
 * processes (the node binary's code, mostly) divided among them. What the machine spends; VmRSS counts
 * shared pages in full in every process. NaN when the process is gone.
 */
export function pssMb(pid: number): number {
  try {
    const kb = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU time spent so far in milliseconds (user + system), or NaN when the process is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** Resident memory of each process, by name (VmRSS, or PSS with `pss`). */
export function rssByProcess(pids: Record<string, number>, measure: (pid: number) => number = rssMb): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, measure(pid)]));
}

/** CPU time the hypervisor gave to other machines so far (steal, /proc/stat, all cores), in ms: noise in every figure. */
export function stealMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/) ?? [];
    return (Number(fields[8] ?? 0) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
