// CPU time of processes from /proc/PID/stat (utime + stime, in clock ticks).
import { readdirSync, readFileSync } from 'node:fs';
import { run } from './run.js';

export interface ProcStat {
  readonly pid: number;
  readonly pgrp: number;
  readonly ticks: number;
}

/** Parses /proc/PID/stat; fields after the parenthesised comm, which may contain spaces. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < 0) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const f = text.slice(close + 2).split(' ');
  // f[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
  const pgrp = Number(f[2]);
  const ticks = Number(f[11]) + Number(f[12]);
  if (!Number.isFinite(pid) || !Number.isFinite(ticks)) return undefined;
  return { pid, pgrp, ticks };
}

function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Pids whose process group is `pgrp` (a daemon started by the lab and the children it forked). */
export function processGroupPids(pgrp: number): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = readProcStat(Number(d));
    if (s && s.pgrp === pgrp) pids.push(s.pid);
  }
  return pids;
}

let clkTck: number | undefined;
async function clockTicksPerSecond(): Promise<number> {
  if (clkTck === undefined) {
    const r = await run('getconf', ['CLK_TCK'], { allowFail: true });
    const v = Number(r.stdout.trim());
    clkTck = Number.isFinite(v) && v > 0 ? v : 100;
  }
  return clkTck;
}

export interface CpuSample {
  readonly windowMs: number;
  readonly cpuSeconds: number;
  /** Percent of one core over the window. */
  readonly percentOfCore: number;
  readonly pids: readonly number[];
}

/**
 * CPU used by the processes `pids()` returns over a fixed window. Processes that exit during the
 * window count only up to their last reading.
 */
export async function measureCpu(pids: () => readonly number[], windowMs: number): Promise<CpuSample> {
  const hz = await clockTicksPerSecond();
  const before = new Map<number, number>();
  for (const p of pids()) {
    const s = readProcStat(p);
    if (s) before.set(p, s.ticks);
  }
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const elapsed = performance.now() - t0;
  let ticks = 0;
  const seen: number[] = [];
  for (const p of new Set([...before.keys(), ...pids()])) {
    const s = readProcStat(p);
    if (!s) continue;
    seen.push(p);
    ticks += s.ticks - (before.get(p) ?? s.ticks);
  }
  const cpuSeconds = ticks / hz;
  return { windowMs: elapsed, cpuSeconds, percentOfCore: (cpuSeconds / (elapsed / 1000)) * 100, pids: seen };
}
