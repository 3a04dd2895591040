// Link up/down watching for `track_interface` and FAULT-on-interface-down.
//
// Choice: one `ip -o monitor link` child per daemon, fed by the kernel's RTNLGRP_LINK netlink
// group, rather than polling /sys/class/net/IF/{operstate,carrier} on a timer. A link change
// arrives within milliseconds (a poller is late by up to its interval, and that delay adds
// straight to failover time), and an idle daemon has no timer waking it. Each event line carries
// the flags and operstate, so nothing is re-read. `ip -j monitor` is not JSON in iproute2 6.1,
// hence the one-line text format, parsed by the pure parseLinkLine below. If the child dies it
// is restarted (after `restartDelayMs`) and the current state re-read, so a lost event cannot
// leave a stale state behind.
//
// The child never outlives halb: stop() and the process 'exit' hook (normal exits, process.exit,
// uncaught exceptions) kill it, and where util-linux's setpriv exists it is started with a parent
// death signal (PR_SET_PDEATHSIG), which also covers SIGKILL and crashes of halb itself. A child
// killed by a signal sent to the whole process group (Ctrl-C, `timeout`, systemd's KillMode) is
// not reported at once: halb got the same signal and is stopping, which the restart timer sees.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import { execIp, type IpRunner } from './iproute.js';

export interface LinkState {
  readonly ifname: string;
  /** Administratively up and operationally running (carrier): what VRRP needs. */
  readonly up: boolean;
  readonly exists: boolean;
  /** Kernel operstate (UP, DOWN, LOWERLAYERDOWN, UNKNOWN, ...), or "ABSENT". */
  readonly operstate: string;
}

export type LinkListener = (state: LinkState, previous: LinkState | undefined) => void;

export interface InterfaceWatcher {
  start(): Promise<void>;
  stop(): void;
  /** Last known state, undefined before start() resolved. */
  state(ifname: string): LinkState | undefined;
  onChange(listener: LinkListener): () => void;
}

/**
 * Parses one line of `ip -o link show` / `ip -o monitor link`, e.g.
 * `3: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP ...` or
 * `Deleted 3: eth0@NONE: <...> ...`. Pure; returns undefined for lines that are not link lines.
 */
export function parseLinkLine(line: string): LinkState | undefined {
  const m = /^(Deleted )?\d+: ([^:@\s]+)(?:@[^:\s]+)?: <([^>]*)>/.exec(line);
  if (!m) return undefined;
  const ifname = m[2]!;
  if (m[1]) return { ifname, up: false, exists: false, operstate: 'ABSENT' };
  const flags = new Set(m[3]!.split(','));
  const operstate = /\bstate (\S+)/.exec(line)?.[1] ?? 'UNKNOWN';
  // UP = IFF_UP; the kernel reports "running" as operstate UP, or UNKNOWN for drivers without
  // operstate (loopback, dummy). NO-CARRIER is iproute2's name for UP without RUNNING.
  const up = flags.has('UP') && !flags.has('NO-CARRIER') && (operstate === 'UP' || operstate === 'UNKNOWN');
  return { ifname, up, exists: true, operstate };
}

export interface LinuxInterfaceWatcherOptions {
  readonly interfaces: readonly string[];
  readonly ip?: IpRunner;
  readonly ipBinary?: string;
  readonly restartDelayMs?: number;
  /** Called when the monitor child fails or exits unexpectedly (it is restarted). */
  readonly onError?: (err: Error) => void;
  /** setpriv for the parent death signal; default: found on PATH; '' = none. */
  readonly setpriv?: string;
}

/** setpriv's path if it is on PATH (util-linux; Debian's base system has it). */
export function findSetpriv(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, 'setpriv');
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The monitor's argv: under `setpriv --pdeathsig TERM` when available, so halb's death ends it. */
function monitorCommand(ip: string, setpriv: string | undefined): [string, string[]] {
  const argv = ['-o', 'monitor', 'link'];
  return setpriv ? [setpriv, ['--pdeathsig', 'TERM', '--', ip, ...argv]] : [ip, argv];
}

export class LinuxInterfaceWatcher implements InterfaceWatcher {
  private readonly states = new Map<string, LinkState>();
  private readonly listeners = new Set<LinkListener>();
  private readonly watched: Set<string>;
  private readonly ip: IpRunner;
  private child: ChildProcess | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** Kills the child when the process exits without stop() (process.exit, uncaught exception). */
  private readonly killOnExit = (): void => {
    this.child?.kill('SIGTERM');
  };

  constructor(private readonly opts: LinuxInterfaceWatcherOptions) {
    this.watched = new Set(opts.interfaces);
    this.ip = opts.ip ?? execIp(opts.ipBinary);
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    process.on('exit', this.killOnExit);
    await this.spawnMonitor();
  }

  stop(): void {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.child?.kill('SIGTERM');
    this.child = undefined;
    process.off('exit', this.killOnExit);
  }

  /** The monitor child's pid (tests: it must be gone after stop). */
  get childPid(): number | undefined {
    return this.child?.pid;
  }

  state(ifname: string): LinkState | undefined {
    return this.states.get(ifname);
  }

  onChange(listener: LinkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async spawnMonitor(): Promise<void> {
    // Subscribe first, then read the current state: a change in between is then seen twice
    // (harmless, updates are idempotent) instead of never.
    const [cmd, args] = monitorCommand(this.opts.ipBinary ?? 'ip', this.opts.setpriv === undefined ? findSetpriv() : this.opts.setpriv || undefined);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-1000)));
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    child.on('error', (err) => this.opts.onError?.(err));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.stopped) return;
      const error = new Error(`ip monitor link exited (${signal ?? code}): ${stderr.trim()}`);
      // Killed by a signal: maybe one sent to the whole group, halb's stop is then on its way and
      // nothing is wrong. Reported when the restart happens, i.e. when halb is still running.
      if (!signal) this.opts.onError?.(error);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (this.stopped) return;
        if (signal) this.opts.onError?.(error);
        void this.spawnMonitor().catch((err: Error) => this.opts.onError?.(err));
      }, this.opts.restartDelayMs ?? 1000);
    });
    await this.readAll();
  }

  private async readAll(): Promise<void> {
    await Promise.all([...this.watched].map((ifname) => this.readOne(ifname)));
  }

  private async readOne(ifname: string): Promise<void> {
    let state: LinkState | undefined;
    try {
      const { stdout } = await this.ip(['-o', 'link', 'show', 'dev', ifname]);
      state = parseLinkLine(stdout.split('\n')[0] ?? '');
    } catch {
      state = undefined; // `ip` fails for a missing device
    }
    this.update(state ?? { ifname, up: false, exists: false, operstate: 'ABSENT' });
  }

  private onLine(line: string): void {
    const s = parseLinkLine(line);
    if (!s || !this.watched.has(s.ifname)) return;
    // "Deleted" is also printed when a port merely leaves a bridge (an AF_BRIDGE RTM_DELLINK):
    // confirm with a fresh read rather than trust it.
    if (!s.exists) void this.readOne(s.ifname);
    else this.update(s);
  }

  private update(s: LinkState): void {
    if (this.stopped) return;
    const prev = this.states.get(s.ifname);
    if (prev && prev.up === s.up && prev.exists === s.exists && prev.operstate === s.operstate) return;
    this.states.set(s.ifname, s);
    for (const l of this.listeners) l(s, prev);
  }
}

/** In-memory InterfaceWatcher for tests of whatever consumes link state: `set()` plays the kernel. */
export class FakeInterfaceWatcher implements InterfaceWatcher {
  private readonly states = new Map<string, LinkState>();
  private readonly listeners = new Set<LinkListener>();
  async start(): Promise<void> {}
  stop(): void {}
  state(ifname: string): LinkState | undefined {
    return this.states.get(ifname);
  }
  onChange(listener: LinkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(ifname: string, up: boolean): void {
    const prev = this.states.get(ifname);
    const s: LinkState = { ifname, up, exists: true, operstate: up ? 'UP' : 'DOWN' };
    this.states.set(ifname, s);
    if (prev?.up !== up) for (const l of this.listeners) l(s, prev);
  }
}
