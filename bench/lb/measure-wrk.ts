// wrk runs against one frontend, with the proxy's CPU time over the timed run.
import type { Placement, Procs } from './procs.js';
import type { RunningProxy } from './contenders.js';
import type { Settings } from './settings.js';
import { cpuBusySince, cpuSeconds } from './proc-stats.js';
import { runWrk, type WrkResult } from './wrk.js';
import { HOST } from './topology.js';

export async function wrkWithCpu(
  procs: Procs,
  px: RunningProxy,
  fe: string,
  s: Settings,
  loadAt: Placement,
  warmup: boolean,
): Promise<{ wrk: WrkResult; cpuUsPerReq: number | undefined; loadBusy: number | undefined }> {
  const { port } = px.endpoint(fe);
  const url = `http://${HOST}:${port}/`;
  // Same warm-up for every contender: lets V8 optimise halb's hot path before it is timed.
  if (warmup && s.warmupSeconds > 0) await runWrk(procs, { url, threads: 1, connections: s.wrkConnections, seconds: s.warmupSeconds, where: loadAt });
  const before = px.pid !== undefined ? cpuSeconds(px.pid) : 0;
  // How busy the load side's CPU was: near 100% means wrk and the backend, not the proxy, set the pace.
  const loadBusy = loadAt.cpu !== undefined ? cpuBusySince(loadAt.cpu) : undefined;
  const wrk = await runWrk(procs, { url, threads: 1, connections: s.wrkConnections, seconds: s.wrkSeconds, where: loadAt });
  const cpu = px.pid !== undefined ? cpuSeconds(px.pid) - before : undefined;
  return { wrk, cpuUsPerReq: cpu === undefined || wrk.requests === 0 ? undefined : (cpu / wrk.requests) * 1e6, loadBusy: loadBusy?.() };
}
