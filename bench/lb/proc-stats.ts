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
