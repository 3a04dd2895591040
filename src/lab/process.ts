// Processes the lab starts inside namespaces (`ip netns exec NS cmd…`, which execs cmd in place, so
// the pid we get is the command's own). Each runs detached in its own process group so a signal
// reaches the daemon and every child it forked; the lab tracks them all and kills what is left.
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  /** Append stdout and stderr to this file. Ignored when `pipe` is set. */
  readonly logFile?: string;
  /** Keep stdin/stdout as pipes (stderr still goes to `logFile` if given). */
  readonly pipe?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export class LabProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;

  constructor(
    readonly host: string,
    readonly argv: readonly string[],
    readonly child: ChildProcess,
    readonly logFile: string | undefined,
  ) {
    if (child.pid === undefined) throw new Error(`could not start ${argv.join(' ')}`);
    this.pid = child.pid;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** Signal the whole process group (the daemon and its children). */
  signal(sig: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(-this.pid, sig);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }

  /**
   * SIGTERM, then SIGKILL to the group after `graceMs`; resolves when the leader has exited.
   * `leaderOnly` sends the SIGTERM to the leader alone, as `kill PID` would, so a daemon stops
   * its own children in its own order (keepalived's VRRP child, halb's clean hand-over).
   */
  async stop(graceMs = 5000, opts: { leaderOnly?: boolean } = {}): Promise<ExitInfo> {
    if (!this.running) return this.exitInfo!;
    if (!opts.leaderOnly) this.signal('SIGTERM');
    else {
      try {
        process.kill(this.pid, 'SIGTERM');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
      }
    }
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async kill(): Promise<ExitInfo> {
    this.signal('SIGKILL');
    return this.exited;
  }
}

export function spawnInNs(ns: string, host: string, argv: readonly string[], opts: SpawnOptions = {}): LabProcess {
  const fd = opts.logFile ? openSync(opts.logFile, 'a') : undefined;
  try {
    const stdio: ('pipe' | 'ignore' | number)[] = opts.pipe ? ['pipe', 'pipe', fd ?? 'ignore'] : ['ignore', fd ?? 'ignore', fd ?? 'ignore'];
    const child = spawnChild('ip', ['netns', 'exec', ns, ...argv], {
      detached: true,
      stdio,
      env: opts.env ?? process.env,
    });
    // A spawn error is reported through 'exit' too; keep it from becoming an unhandled 'error'.
    child.on('error', () => undefined);
    return new LabProcess(host, argv, child, opts.logFile);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
