// wrk as the closed-loop HTTP load generator, and a parser for its text report.
import type { Procs, Placement } from './procs.js';

export interface WrkResult {
  requests: number;
  seconds: number;
  reqPerSec: number;
  /** Latency percentiles in milliseconds (from --latency). */
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  non2xx3xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function durationMs(value: string, unit: string): number {
  const f = UNIT_MS[unit];
  if (f === undefined) throw new Error(`wrk: unknown time unit '${unit}'`);
  return Number(value) * f;
}

/** Parses wrk's report; throws when the report has no request count (wrk failed). */
export function parseWrk(text: string): WrkResult {
  const total = /^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)\b/m.exec(text);
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text);
  if (!total || !rps) throw new Error(`wrk: unexpected output: ${text.slice(0, 300)}`);
  const pct = (p: string): number | undefined => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(text);
    return m ? durationMs(m[1]!, m[2]!) : undefined;
  };
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const bad = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  return {
    requests: Number(total[1]),
    seconds: durationMs(total[2]!, total[3]!) / 1000,
    reqPerSec: Number(rps[1]),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    non2xx3xx: bad ? Number(bad[1]) : 0,
    socketErrors: se ? { connect: Number(se[1]), read: Number(se[2]), write: Number(se[3]), timeout: Number(se[4]) } : { connect: 0, read: 0, write: 0, timeout: 0 },
  };
}

export interface WrkOptions {
  url: string;
  threads: number;
  connections: number;
  seconds: number;
  where: Placement;
}

export async function runWrk(procs: Procs, o: WrkOptions): Promise<WrkResult> {
  const args = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`, '--latency', '--timeout', '2s', o.url];
  const r = await procs.run('wrk', 'wrk', args, o.where, (o.seconds + 15) * 1000);
  if (r.code !== 0) throw new Error(`wrk exited ${r.code}: ${r.stderr || r.stdout}`);
  return parseWrk(r.stdout);
}
