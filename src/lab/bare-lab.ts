// Bare namespaces for scenarios that bring their own agents (the VRRP I/O and netlink tests):
// no addresses, no daemons, only what the test asks for. The full topology (hosts on a
// switch with addresses, halb/keepalived nodes) is topology.ts; this one shares its naming,
// so the lab's stale cleanup (cleanup.ts) also reclaims what a crashed run of these tests left.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupStale, killNsPids } from './cleanup.js';
import { DEFAULT_PREFIX, labNames, nsName, switchNs, type LabNames } from './names.js';
import { run, type RunOptions } from './run.js';

export class BareLab {
  private readonly names: LabNames;
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly dirs: string[] = [];
  private seq = 0;
  private swept = false;

  constructor(prefix = DEFAULT_PREFIX) {
    this.names = labNames(prefix, process.pid, Math.random);
  }

  /** A new namespace with lo up and IPv6 DAD off. */
  async netns(member = `n${this.seq++}`): Promise<string> {
    if (!this.swept) {
      // As Lab.create does: first remove what crashed runs (their pid gone) left behind.
      this.swept = true;
      await cleanupStale(this.names.prefix);
    }
    const ns = member === 'sw' ? switchNs(this.names) : nsName(this.names, member);
    await run('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await this.exec(ns, 'ip', ['link', 'set', 'lo', 'up']);
    // No DAD: link-local addresses are usable at once (the VIP manager adds VIPs with nodad too).
    await this.exec(ns, 'sysctl', ['-q', '-w', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    return ns;
  }

  /** Runs a command inside `ns`; resolves with its stdout (throws on a non-zero exit unless allowFail). */
  async exec(ns: string, cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
    return (await run('ip', ['netns', 'exec', ns, cmd, ...args], { timeoutMs: 20_000, ...opts })).stdout;
  }

  /** A process inside `ns`, killed at cleanup if still running. */
  spawn(ns: string, cmd: string, args: readonly string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  async tempDir(): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), `${this.names.id}-`));
    this.dirs.push(d);
    return d;
  }

  /** A bridge in its own namespace (the "switch") and one veth per host namespace attached to it. */
  async switchWith(hosts: readonly string[], ifname = 'eth0'): Promise<string> {
    const sw = await this.netns('sw');
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

  /** Kills every process still inside the namespaces (daemons' forked children too) and deletes them. */
  async cleanup(): Promise<void> {
    for (const c of this.children) c.kill('SIGKILL');
    for (const ns of [...this.namespaces].reverse()) {
      await killNsPids(ns);
      await run('ip', ['netns', 'del', ns], { allowFail: true });
    }
    this.namespaces.length = 0;
    for (const d of this.dirs) await rm(d, { recursive: true, force: true });
    this.dirs.length = 0;
  }
}
