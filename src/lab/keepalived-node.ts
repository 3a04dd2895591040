// The real keepalived (Debian package) as lab node software.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { run } from './run.js';
import type { LabProcess, ExitInfo } from './process.js';
import type { Lab } from './topology.js';
import { renderKeepalivedConf, type VrrpNodeConfig } from './keepalived-conf.js';
import type { Availability, VrrpNodeSoftware } from './node-software.js';
import { processGroupPids } from './cpu.js';
import { waitFor } from './wait.js';

export async function keepalivedAvailability(): Promise<Availability> {
  const r = await run('keepalived', ['--version'], { allowFail: true, timeoutMs: 5000 });
  const out = (r.stdout + r.stderr).trim();
  const v = /Keepalived v(\S+)/.exec(out);
  return r.code === 0 || v ? { available: true, detail: v ? `keepalived ${v[1]}` : 'keepalived' } : { available: false, detail: `keepalived not runnable: ${out || `exit ${r.code}`}` };
}

export class KeepalivedNode implements VrrpNodeSoftware {
  readonly kind = 'keepalived' as const;
  readonly confPath: string;
  readonly logPath: string;
  readonly pidPath: string;
  readonly vrrpPidPath: string;
  private proc: LabProcess | undefined;
  private starts = 0;

  constructor(
    private readonly lab: Lab,
    readonly host: string,
    private readonly config: VrrpNodeConfig,
  ) {
    this.confPath = lab.path(`keepalived-${host}.conf`);
    this.logPath = lab.path(`keepalived-${host}.log`);
    this.pidPath = lab.path(`keepalived-${host}.pid`);
    this.vrrpPidPath = lab.path(`keepalived-${host}-vrrp.pid`);
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  async start(timeoutMs = 10_000): Promise<void> {
    if (this.running) throw new Error(`keepalived on ${this.host} already running`);
    writeFileSync(this.confPath, renderKeepalivedConf(this.config), { mode: 0o644 });
    // Pid files a SIGKILLed run left behind: keepalived would refuse to start ("daemon is already
    // running"), and the readiness wait below would pass too early.
    for (const p of [this.pidPath, this.vrrpPidPath]) rmSync(p, { force: true });
    // keepalived starts on a config it only half understood, logging a warning; the lab refuses to,
    // so a scenario never runs on a silently ignored setting.
    const check = await this.lab.exec(this.host, ['keepalived', '--config-test', '-f', this.confPath], { allowFail: true });
    if (check.code !== 0 || check.stderr.trim() !== '') throw new Error(`keepalived --config-test rejected ${this.confPath} (exit ${check.code}): ${check.stderr.trim()}`);
    this.starts++;
    // Foreground (-n), log to the console (-l) which is our log file, detailed (-D), no syslog (-G),
    // VRRP only (-P), our own pid files so several keepalived run on one machine.
    const argv = ['keepalived', '-n', '-l', '-D', '-G', '-P', '-f', this.confPath, '-p', this.pidPath, '-r', this.vrrpPidPath];
    writeFileSync(this.logPath, `\n===== start #${this.starts}: ${argv.join(' ')}\n`, { flag: 'a' });
    const p = this.lab.spawn(this.host, argv, { logFile: this.logPath });
    this.proc = p;
    this.lab.addLog(`${this.host}: keepalived`, this.logPath);
    // Running = the VRRP child has written its pid file (it has read the config and opened sockets).
    await waitFor(
      `keepalived on ${this.host} to start its VRRP process`,
      () => {
        if (!p.running) throw new Error(`keepalived on ${this.host} exited ${JSON.stringify(p.exit)}: ${this.logTail(15)}`);
        const pid = Number(readFileSafe(this.vrrpPidPath).trim());
        return pid > 0 && processGroupPids(p.pid).includes(pid);
      },
      { timeoutMs, intervalMs: 20 },
    );
  }

  stop(graceMs = 5000): Promise<ExitInfo> {
    // SIGTERM to the parent only: it stops its VRRP child itself (which sends the priority-0
    // adverts and removes the VIPs).
    return this.proc ? this.proc.stop(graceMs, { leaderOnly: true }) : Promise.resolve({ code: null, signal: null });
  }

  kill(): Promise<ExitInfo> {
    const p = this.proc;
    if (!p) return Promise.resolve({ code: null, signal: null });
    return p.kill();
  }

  pids(): number[] {
    return this.proc?.running ? processGroupPids(this.proc.pid) : [];
  }

  logTail(lines = 20): string {
    return readFileSafe(this.logPath).split('\n').slice(-lines).join('\n');
  }
}

function readFileSafe(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}
