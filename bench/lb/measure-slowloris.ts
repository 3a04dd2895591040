// Normal clients beside a slowloris attack: the attack's connections drip their request heads
// (tools/slowloris.ts) into an http frontend with `timeout http-request`, reconnecting when the
// proxy answers 408; a fixed-rate keep-alive probe (tools/rate-probe.ts) measures the latency of
// normal requests to another http frontend of the same proxy, and the proxy's CPU is read over the
// probe's window (attack + probe). A probe without the attack runs first, for reference.
import type { Placement, Procs } from './procs.js';
import type { RunningProxy } from './contenders.js';
import type { Settings } from './settings.js';
import { cpuSeconds } from './proc-stats.js';
import { TOOLS, sleep } from './backends.js';

export interface ProbeResult {
  sent: number;
  ok: number;
  failed: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
}

export interface SlowlorisResult {
  calm: ProbeResult;
  attacked: ProbeResult;
  /** Proxy CPU over the attacked probe window, in % of one core. */
  cpuPct: number | undefined;
  /** Attack connections the proxy closed during the window, and 408s they received. */
  closedByProxy: number;
  got408: number;
  open: number;
}

async function probe(procs: Procs, port: number, s: Settings, seconds: number, loadAt: Placement): Promise<ProbeResult> {
  const p = procs.spawn('rate-probe', process.execPath, [TOOLS('rate-probe'), String(port), String(s.probeConns), String(s.probeRate), String(seconds)], loadAt);
  try {
    return JSON.parse(await p.waitForLine(/"event":"result"/, (seconds + 30) * 1000)) as ProbeResult;
  } finally {
    await p.kill('SIGTERM');
  }
}

export async function slowloris(procs: Procs, px: RunningProxy, s: Settings, loadAt: Placement): Promise<SlowlorisResult> {
  const calm = await probe(procs, px.endpoint('fe_http').port, s, Math.min(3, s.probeSeconds), loadAt);
  // nice 10: the attacker shares the load CPU with the probe, whose own latency must not include
  // waiting for the attacker's reconnect bursts.
  const attack = procs.spawn('slowloris', 'nice', ['-n', '10', process.execPath, TOOLS('slowloris'), String(px.endpoint('fe_slow').port), String(s.slowConns), String(s.slowDripMs)], loadAt);
  try {
    await attack.waitForLine(/"event":"ready"/, 60_000);
    const from = attack.lines.length;
    const t0 = performance.now();
    const before = px.pid !== undefined ? cpuSeconds(px.pid) : undefined;
    const attacked = await probe(procs, px.endpoint('fe_http').port, s, s.probeSeconds, loadAt);
    const wall = (performance.now() - t0) / 1000;
    const cpuPct = before !== undefined ? ((cpuSeconds(px.pid!) - before) / wall) * 100 : undefined;
    await sleep(1100); // one more count line
    const counts = attack.lines.slice(from).filter((l) => l.includes('"event":"count"'));
    const first = JSON.parse(counts[0] ?? '{}') as { closedByProxy?: number; got408?: number };
    const last = JSON.parse(counts[counts.length - 1] ?? '{}') as { closedByProxy?: number; got408?: number; open?: number };
    return {
      calm,
      attacked,
      cpuPct,
      closedByProxy: (last.closedByProxy ?? 0) - (first.closedByProxy ?? 0),
      got408: (last.got408 ?? 0) - (first.got408 ?? 0),
      open: last.open ?? 0,
    };
  } finally {
    await attack.kill('SIGTERM');
    await sleep(1000); // let the proxy close the attack's connections before the next turn
  }
}
