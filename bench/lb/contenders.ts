// The proxies under test, behind one interface: start(cfg) -> {pid, endpoint, stop}.
// `direct` is no proxy at all (clients hit the first server of each frontend): the ceiling of the
// load generator and backends on this machine. `haproxy` and `halb` get the same haproxy.cfg text.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Procs, Placement, Child } from './procs.js';
import { waitForPort } from './ports.js';
import { cpuSeconds } from './proc-stats.js';
import { HOST, renderHaproxyCfg, type BenchTopology } from './topology.js';

export type ContenderName = 'direct' | 'haproxy' | 'halb';

export interface RunningProxy {
  /** pid of the proxy process (for /proc accounting); undefined for `direct`. */
  pid: number | undefined;
  /** Output of the proxy process (for DOWN detection); undefined for `direct`. */
  child: Child | undefined;
  /** CPU seconds from exec until it listened and went idle (halb: its start-up warm-up included). */
  startCpuS: number | undefined;
  endpoint(frontend: string): { host: string; port: number };
  stop(): Promise<void>;
}

export type StartResult = { ok: true; proxy: RunningProxy } | { ok: false; reason: string };

export interface Contender {
  name: ContenderName;
  isProxy: boolean;
  start(topology: BenchTopology, where: Placement): Promise<StartResult>;
}

const START_TIMEOUT_MS = 10_000;
const SETTLE_MS = 300;
const SETTLE_TIMEOUT_MS = 20_000;

/**
 * Waits until the process has used no CPU for SETTLE_MS: halb warms its data plane up after it
 * listens (src/proxy/warmup.ts), and no measurement may overlap that. Returns its CPU seconds so far.
 */
async function settle(pid: number): Promise<number> {
  const until = Date.now() + SETTLE_TIMEOUT_MS;
  let prev = cpuSeconds(pid);
  for (;;) {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const now = cpuSeconds(pid);
    if (now === prev || Date.now() > until) return now;
    prev = now;
  }
}

function directContender(): Contender {
  return {
    name: 'direct',
    isProxy: false,
    async start(t) {
      return {
        ok: true,
        proxy: {
          pid: undefined,
          child: undefined,
          startCpuS: undefined,
          endpoint(fe) {
            const f = t.frontends.find((x) => x.name === fe);
            if (!f || f.servers.length === 0) throw new Error(`direct: no server for ${fe}`);
            return { host: HOST, port: f.servers[0]!.port };
          },
          stop: async () => {},
        },
      };
    },
  };
}

/** Writes the cfg, spawns the proxy and waits until every frontend accepts connections. */
async function startFromCfg(procs: Procs, workDir: string, name: ContenderName, t: BenchTopology, where: Placement, command: (cfgPath: string) => [string, string[]]): Promise<StartResult> {
  const dir = mkdtempSync(join(workDir, `${name}-`));
  const cfgPath = join(dir, 'haproxy.cfg');
  writeFileSync(cfgPath, renderHaproxyCfg(t));
  const [cmd, args] = command(cfgPath);
  const child = procs.spawn(name, cmd, args, where);
  const stop = async (): Promise<void> => {
    await child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  let startCpuS: number | undefined;
  try {
    for (const f of t.frontends) await waitForPort(f.port, START_TIMEOUT_MS, HOST, () => !child.hasExited());
    startCpuS = child.pid === undefined ? undefined : await settle(child.pid);
  } catch (e) {
    await stop();
    const out = child.lines
      .filter((l) => l.trim() !== '')
      .slice(-3)
      .join(' | ');
    return { ok: false, reason: `${(e as Error).message}${out ? `; output: ${out}` : ''}` };
  }
  return {
    ok: true,
    proxy: {
      pid: child.pid,
      child,
      startCpuS,
      endpoint(fe) {
        const f = t.frontends.find((x) => x.name === fe);
        if (!f) throw new Error(`${name}: no frontend ${fe}`);
        return { host: HOST, port: f.port };
      },
      stop,
    },
  };
}

function haproxyContender(procs: Procs, workDir: string): Contender {
  return {
    name: 'haproxy',
    isProxy: true,
    // -db: foreground, no daemon; the pid we spawned is the one worker process (nbthread 1, no master).
    start: (t, where) => startFromCfg(procs, workDir, 'haproxy', t, where, (cfg) => ['haproxy', ['-db', '-f', cfg]]),
  };
}

export const HALB_BIN = fileURLToPath(new URL('../../../bin/halb.js', import.meta.url));

function halbContender(procs: Procs, workDir: string): Contender {
  return {
    name: 'halb',
    isProxy: true,
    // Run as users run it (`npx halb` executes bin/halb.js): its shebang carries halb's V8 flags.
    // HALB_BENCH_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p") runs it through node with those
    // flags instead, the shebang's flags repeated, for profiling a row.
    start: (t, where) => startFromCfg(procs, workDir, 'halb', t, where, (cfg) => halbCommand(['run', '--haproxy', cfg])),
  };
}

/** The command that runs `halb ARGS` (see HALB_BENCH_NODE_FLAGS above). */
export function halbCommand(args: string[]): [string, string[]] {
  const flags = process.env.HALB_BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean);
  return flags?.length ? [process.execPath, [...flags, '--max-semi-space-size=4', HALB_BIN, ...args]] : [HALB_BIN, args];
}

/** `workDir`: where the generated haproxy.cfg files go (the caller removes it, also on error). */
export function makeContenders(procs: Procs, workDir: string): Contender[] {
  return [directContender(), haproxyContender(procs, workDir), halbContender(procs, workDir)];
}
