// Minimal network-namespace helper for the VRRP I/O scenario (to be replaced by src/lab/).
// Every namespace created here is registered for teardown: `cleanup()` kills every process
// still inside it (including daemons' forked children) and deletes it, in reverse order.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TIMESCALE = Number(process.env.HALB_TEST_TIMESCALE ?? '1') || 1;
export const ms = (n: number): number => n * TIMESCALE;
export const sleep = (n: number): Promise<void> => new Promise((r) => setTimeout(r, n));

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function run(cmd: string, args: readonly string[], opts: { timeoutMs?: number; allowFail?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, [...args], { timeout: opts.timeoutMs ?? 20_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && !opts.allowFail) reject(new Error(`${cmd} ${args.join(' ')}: ${String(stderr).trim() || err.message}`));
      else resolve(String(stdout));
    });
  });
}

/** Unique short names: prefix + pid + counter, within the 15-character interface limit. */
export function uniqueNamer(prefix: string): (what: string) => string {
  let n = 0;
  const base = `${prefix}${process.pid.toString(36)}`;
  return (what) => {
    const name = `${base}${what}${(n++).toString(36)}`;
    if (name.length > 15) throw new Error(`name too long: ${name}`);
    return name;
  };
}

/** Waits until `fn` returns a truthy value, checking every `everyMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = ms(5000), everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export class Lab {
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly dirs: string[] = [];
  readonly name = uniqueNamer('vio');

  async netns(): Promise<string> {
    const ns = this.name('n');
    await run('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await this.exec(ns, 'ip', ['link', 'set', 'lo', 'up']);
    // No DAD: link-local addresses are usable at once (the VIP manager adds VIPs with nodad too).
    await this.exec(ns, 'sysctl', ['-q', '-w', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    return ns;
  }

  exec(ns: string, cmd: string, args: readonly string[], opts: { allowFail?: boolean; timeoutMs?: number } = {}): Promise<string> {
    return run('ip', ['netns', 'exec', ns, cmd, ...args], opts);
  }

  /** A process inside `ns`, killed at cleanup if still running. */
  spawn(ns: string, cmd: string, args: readonly string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  async tempDir(): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), 'halb-vio-'));
    this.dirs.push(d);
    return d;
  }

  /** A bridge in its own namespace (the "switch") and one veth per host namespace attached to it. */
  async switchWith(hosts: readonly string[], ifname = 'eth0'): Promise<string> {
    const sw = await this.netns();
    await this.exec(sw, 'ip', ['link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
    await this.exec(sw, 'ip', ['link', 'set', 'br0', 'up']);
    for (const [i, ns] of hosts.entries()) {
      const port = `p${i}`;
      await this.exec(sw, 'ip', ['link', 'add', port, 'type', 'veth', 'peer', 'name', ifname, 'netns', ns]);
      await this.exec(sw, 'ip', ['link', 'set', port, 'master', 'br0', 'up']);
      await this.exec(ns, 'ip', ['link', 'set', ifname, 'up']);
    }
    return sw;
  }

  async cleanup(): Promise<void> {
    for (const c of this.children) c.kill('SIGKILL');
    for (const ns of [...this.namespaces].reverse()) {
      const pids = (await run('ip', ['netns', 'pids', ns], { allowFail: true })).split(/\s+/).filter(Boolean);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await run('ip', ['netns', 'del', ns], { allowFail: true });
    }
    this.namespaces.length = 0;
    for (const d of this.dirs) await rm(d, { recursive: true, force: true });
  }
}
