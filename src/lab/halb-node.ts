// halb as lab node software: `node bin/halb.js run --keepalived CONF` in the host's namespace, on
// the same keepalived.conf a KeepalivedNode gets. Usable once halb's VRRP runtime exists; until
// then `halbAvailability()` says so and callers skip or print "n/a" — never a fake result.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from './run.js';
import type { LabProcess, ExitInfo } from './process.js';
import type { Lab } from './topology.js';
import { renderKeepalivedConf, type VrrpNodeConfig } from './keepalived-conf.js';
import type { Availability, VrrpNodeSoftware } from './node-software.js';
import { processGroupPids } from './cpu.js';
import { sleep } from './wait.js';

/** bin/halb.js of this package (this file is dist/src/lab/halb-node.js). */
export const HALB_BIN = fileURLToPath(new URL('../../../bin/halb.js', import.meta.url));

/**
 * Whether `halb run --keepalived FILE` exists in this build: asks the CLI itself (`run --help`),
 * so it turns true the day the VRRP runtime lands, with no change here.
 */
export async function halbAvailability(bin = HALB_BIN): Promise<Availability> {
  if (!existsSync(bin)) return { available: false, detail: `${bin} missing` };
  const r = await run(process.execPath, [bin, 'run', '--help'], { allowFail: true, timeoutMs: 15_000 });
  const help = r.stdout + r.stderr;
  if (r.code !== 0) return { available: false, detail: `halb run --help failed: ${help.trim().split('\n')[0] ?? `exit ${r.code}`}` };
  if (!/--keepalived\b/.test(help)) return { available: false, detail: 'halb run has no --keepalived option yet (VRRP runtime not built)' };
  return { available: true, detail: 'halb run --keepalived' };
}

export class HalbNode implements VrrpNodeSoftware {
  readonly kind = 'halb' as const;
  readonly confPath: string;
  readonly logPath: string;
  /** haproxy.cfg for the load-balancer half (only when the lab gives the node a proxy config). */
  readonly proxyConfPath: string | undefined;
  /** The node's TMPDIR, where keepalived.data and keepalived.stats are written. */
  readonly dumpDir: string;
  private proc: LabProcess | undefined;
  /** Extra environment for the next start (switches such as HALB_HANDOVER_FORWARD). */
  env: Record<string, string> = {};

  constructor(
    private readonly lab: Lab,
    readonly host: string,
    private readonly config: VrrpNodeConfig,
    private readonly haproxyCfg?: string,
  ) {
    this.confPath = lab.path(`halb-${host}.keepalived.conf`);
    this.logPath = lab.path(`halb-${host}.log`);
    this.proxyConfPath = haproxyCfg !== undefined ? lab.path(`halb-${host}.haproxy.cfg`) : undefined;
    this.dumpDir = lab.path(`halb-${host}.tmp`);
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  /**
   * halb has no readiness signal the lab could wait on yet, so "running" means: still alive after
   * a short settling time. Callers observe the VRRP state from outside anyway.
   */
  async start(settleMs = 300): Promise<void> {
    if (this.running) throw new Error(`halb on ${this.host} already running`);
    writeFileSync(this.confPath, renderKeepalivedConf(this.config), { mode: 0o644 });
    // HALB_PROF_DIR: write a V8 CPU profile per node (how the idle-CPU row is investigated).
    const argv = [
      process.execPath,
      ...(process.env.HALB_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.HALB_PROF_DIR] : []),
      HALB_BIN,
      'run',
      '--keepalived',
      this.confPath,
      '--run-dir',
      this.lab.path(`halb-${this.host}.run`),
    ];
    if (this.proxyConfPath !== undefined) {
      writeFileSync(this.proxyConfPath, this.haproxyCfg!, { mode: 0o644 });
      argv.push('--haproxy', this.proxyConfPath);
    }
    writeFileSync(this.logPath, `\n===== start: ${argv.join(' ')}\n`, { flag: 'a' });
    // Each node its own TMPDIR: SIGUSR1/SIGUSR2 write keepalived.data/.stats there, as keepalived
    // does, never into the machine's /tmp.
    mkdirSync(this.dumpDir, { recursive: true });
    const p = this.lab.spawn(this.host, argv, { logFile: this.logPath, env: { ...process.env, TMPDIR: this.dumpDir, ...this.env } });
    this.proc = p;
    this.lab.addLog(`${this.host}: halb`, this.logPath);
    await sleep(settleMs);
    if (!p.running) throw new Error(`halb on ${this.host} exited ${JSON.stringify(p.exit)}: ${readFileSync(this.logPath, 'utf8').split('\n').slice(-15).join('\n')}`);
  }

  stop(graceMs = 5000): Promise<ExitInfo> {
    return this.proc ? this.proc.stop(graceMs, { leaderOnly: true }) : Promise.resolve({ code: null, signal: null });
  }

  kill(): Promise<ExitInfo> {
    return this.proc ? this.proc.kill() : Promise.resolve({ code: null, signal: null });
  }

  pids(): number[] {
    return this.proc?.running ? processGroupPids(this.proc.pid) : [];
  }
}
