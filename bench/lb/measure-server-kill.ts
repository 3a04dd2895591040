// One of three servers dies under a steady open-loop load: failed requests, and how long the proxy
// keeps choosing the dead server (from its own DOWN log line).
import type { Child, Placement, Procs } from './procs.js';
import type { Contender } from './contenders.js';
import type { Settings } from './settings.js';
import { freePorts } from './ports.js';
import { cpuSeconds } from './proc-stats.js';
import { isDownLine, type BenchTopology } from './topology.js';
import { TOOLS, sleep, startHttpBackend } from './backends.js';

export interface KillResult {
  failed: number;
  downAfterS: number | undefined;
  lastFailureS: number | undefined;
  windowS: number;
  detail: string;
  /** Set when the run did not keep its schedule (machine overloaded): its numbers are unreliable. */
  overloaded: string | undefined;
}

export async function serverKill(
  procs: Procs,
  c: Contender,
  redispatch: boolean,
  s: Settings,
  proxyAt: Placement,
  loadAt: Placement,
  useHaproxy: boolean,
  workDir: string,
): Promise<KillResult | { unavailable: string }> {
  const servers: Child[] = [];
  const ports: number[] = [];
  for (const name of ['s1', 's2', 's3']) {
    const t = await startHttpBackend(procs, name, loadAt, useHaproxy, workDir);
    servers.push(t.child);
    ports.push(t.port);
  }
  const [fe] = (await freePorts(1)) as [number];
  const topo: BenchTopology = {
    maxconn: 4096,
    redispatch,
    accessLog: true,
    frontends: [
      {
        name: 'fe_fo',
        mode: 'http',
        port: fe,
        servers: ports.map((p, i) => ({ name: `s${i + 1}`, port: p, opts: 'check inter 1s fall 3 rise 2' })),
      },
    ],
  };
  const started = await c.start(topo, proxyAt);
  if (!started.ok) {
    for (const sv of servers) await sv.kill('SIGKILL');
    return { unavailable: started.reason };
  }
  const px = started.proxy;
  let downAt: number | undefined;
  px.child!.onLine((line) => {
    if (downAt === undefined && isDownLine(line, 'fe_fo_be', 's2')) downAt = Date.now();
  });
  try {
    await sleep(300);
    const cpu0 = cpuSeconds(px.pid!);
    const t0 = Date.now();
    const victim = servers[1]!;
    const load = procs.spawn('fixed-rate-load', process.execPath, [TOOLS('fixed-rate-load'), String(fe), String(s.foRate), String(s.foTotal), String(s.foKillAtMs), String(victim.pid)], loadAt);
    const killedLine = await load.waitForLine(/"event":"killed"/, s.foKillAtMs + 10_000);
    const killedAt = (JSON.parse(killedLine) as { at: number }).at;
    const resLine = await load.waitForLine(/"event":"result"/, (s.foTotal / s.foRate) * 1000 + 20_000);
    const cpuShare = (cpuSeconds(px.pid!) - cpu0) / ((Date.now() - t0) / 1000);
    const r = JSON.parse(resLine) as {
      failed: number;
      byKind: Record<string, number>;
      servedBy: Record<string, number>;
      lastFailureAfterKillMs?: number;
      durationMs: number;
      killOffsetMs: number;
      slowOver200ms: number;
      slowSentFromMs?: number;
      slowSentToMs?: number;
      slowMaxMs?: number;
      failedBeforeKill: number;
      notSent: number;
      sent: number;
      completed: number;
    };
    // The DOWN mark may come after the load ends (short runs, or redispatch hiding the failures):
    // keep watching the proxy's log up to DOWN_WAIT_MS after the kill.
    const DOWN_WAIT_MS = 8000;
    while (downAt === undefined && Date.now() < killedAt + DOWN_WAIT_MS && !px.child!.hasExited()) await sleep(50);
    const windowS = Math.max(r.durationMs - r.killOffsetMs, Date.now() - killedAt) / 1000;
    const kinds = Object.entries(r.byKind)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const served = Object.entries(r.servedBy)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    return {
      failed: r.failed,
      downAfterS: downAt === undefined ? undefined : (downAt - killedAt) / 1000,
      lastFailureS: r.lastFailureAfterKillMs === undefined ? undefined : r.lastFailureAfterKillMs / 1000,
      windowS,
      overloaded:
        r.slowOver200ms > r.completed * 0.05 || r.notSent > 0
          ? `${r.slowOver200ms} of ${r.completed} successful responses took over 200 ms${r.notSent ? ` and ${r.notSent} requests could not be sent` : ''}: the request schedule was not kept (the proxy under test or the machine was saturated), so this run's failure count and timings are not comparable`
          : undefined,
      detail: `failures ${kinds || 'none'} (${r.failedBeforeKill} of them sent before the kill, e.g. in flight on the dying server), ${r.notSent} not sent (client saturated), ${r.sent - r.completed} unfinished; served ${served}; ${r.slowOver200ms} ok responses slower than 200 ms${r.slowOver200ms ? ` (sent +${r.slowSentFromMs}–${r.slowSentToMs} ms, worst ${r.slowMaxMs} ms)` : ''}; proxy CPU ${(cpuShare * 100).toFixed(0)}% of a core during the load; killed s2 at +${(r.killOffsetMs / 1000).toFixed(2)} s`,
    };
  } finally {
    await px.stop();
    for (const sv of servers) await sv.kill('SIGKILL');
  }
}
