// Reloads under load: wrk against an http frontend while the proxy reloads its configuration once a
// second from +1 s. halb gets SIGHUP; haproxy runs in master-worker mode (-W) and gets SIGUSR2, its
// documented reload (a new worker takes the listeners, the old one finishes its connections).
// Each contender is a fresh process with this one frontend and no access log, so its output holds
// only the reload lines the measurement checks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Placement, Procs } from './procs.js';
import type { ContenderName } from './contenders.js';
import { halbCommand } from './contenders.js';
import type { Settings } from './settings.js';
import { freePorts, waitForPort } from './ports.js';
import { HOST, renderHaproxyCfg } from './topology.js';
import { runWrk } from './wrk.js';
import { cpuSeconds } from './proc-stats.js';
import { sleep } from './backends.js';

export interface ReloadResult {
  requests: number;
  errors: number;
  detail: string;
  reloads: number;
  /** Reloads the proxy confirmed (halb: `reloaded` lines; haproxy: new-worker lines). */
  confirmed: number;
}

export async function reloadUnderLoad(procs: Procs, name: ContenderName, httpPort: number, s: Settings, proxyAt: Placement, loadAt: Placement, workDir: string): Promise<ReloadResult> {
  const [port] = (await freePorts(1)) as [number];
  const dir = mkdtempSync(join(workDir, `reload-${name}-`));
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, renderHaproxyCfg({ maxconn: 4096, frontends: [{ name: 'fe_http', mode: 'http', port, servers: [{ name: 's1', port: httpPort }] }] }));
  const [cmd, args] = name === 'halb' ? halbCommand(['run', '--haproxy', cfg]) : ['haproxy', ['-W', '-db', '-f', cfg]];
  const px = procs.spawn(`${name}-reload`, cmd, args, proxyAt);
  try {
    await waitForPort(port, 10_000, HOST, () => !px.hasExited());
    // Wait for halb's start-up warm-up to finish (no CPU for 300 ms).
    for (let prev = -1, i = 0; i < 60; i++) {
      const now = cpuSeconds(px.pid);
      if (now === prev) break;
      prev = now;
      await sleep(300);
    }
    // Counted as they come: halb's access log soon fills the bounded line buffer.
    let confirmed = 0;
    const isReload = name === 'halb' ? (l: string) => l.includes('"event":"reloaded"') : (l: string) => /Reexecuting Master process|New worker .*forked|Loading success/i.test(l);
    const off = px.onLine((l) => {
      if (isReload(l)) confirmed++;
    });
    const signal = name === 'halb' ? 'SIGHUP' : 'SIGUSR2';
    let reloads = 0;
    const timers: NodeJS.Timeout[] = [];
    for (let t = 1; t < s.reloadSeconds; t++) {
      timers.push(
        setTimeout(() => {
          reloads++;
          px.proc.kill(signal);
        }, t * 1000),
      );
    }
    const wrk = await runWrk(procs, { url: `http://${HOST}:${port}/`, threads: 1, connections: s.wrkConnections, seconds: s.reloadSeconds, where: loadAt });
    timers.forEach(clearTimeout);
    await sleep(500);
    // halb's log is buffered (sonic-boom): its lines are all out once it has stopped.
    await px.kill('SIGTERM');
    off();
    const se = wrk.socketErrors;
    return {
      requests: wrk.requests,
      errors: wrk.non2xx3xx + se.connect + se.read + se.write + se.timeout,
      detail: `${wrk.requests} requests, non-2xx ${wrk.non2xx3xx}, socket errors connect ${se.connect} read ${se.read} write ${se.write} timeout ${se.timeout}`,
      reloads,
      confirmed,
    };
  } finally {
    await px.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
