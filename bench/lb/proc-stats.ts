// Process accounting from /proc (Linux): resident memory and CPU time of the proxy under test.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** VmRSS in KiB from /proc/PID/status text. */
export function parseRssKb(statusText: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  if (!m) throw new Error('VmRSS not found');
  return Number(m[1]);
}

/** utime+stime in clock ticks from /proc/PID/stat text (fields 14 and 15; comm may contain spaces). */
export function parseCpuTicks(statText: string): number {
  const rest = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so field N is rest[N - 3]
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('bad /proc stat');
  return utime + stime;
}

export function rssKb(pid: number): number {
  return parseRssKb(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** Busy and total jiffies of one CPU from /proc/stat text (busy = all but idle and iowait). */
export function parseCpuLine(procStat: string, cpu: number): { busy: number; total: number } {
  const line = procStat.split('\n').find((l) => l.startsWith(`cpu${cpu} `));
  if (!line) throw new Error(`cpu${cpu} not in /proc/stat`);
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal; guest is inside user
  return { busy: total - v[3]! - v[4]!, total };
}

/** Reads one CPU's counters now; the returned function gives its busy share since then. */
export function cpuBusySince(cpu: number): () => number {
  const a = parseCpuLine(readFileSync('/proc/stat', 'utf8'), cpu);
  return () => {
    const b = parseCpuLine(readFileSync('/proc/stat', 'utf8'), cpu);
    return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
  };
}

export function cpuSeconds(pid: number): number {
  return parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) / clockTicks();
}

/** Our own hard RLIMIT_NOFILE (children cannot go above it without CAP_SYS_RESOURCE). */
export function hardNofile(): number {
  try {
    const m = /^Max open files\s+\S+\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m && m[1] !== 'unlimited') return Number(m[1]);
  } catch {
    /* not Linux */
  }
  return 1 << 20;
}
