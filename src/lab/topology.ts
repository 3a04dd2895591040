// A lab: hosts in their own network namespaces, each with one veth ("eth0") plugged into a bridge
// that lives in a separate switch namespace. Nothing is created in the root namespace, so labs of
// parallel test runs cannot collide on interface names, and deleting the lab's namespaces removes
// every veth and the bridge with them.
//
//      [ns <id>-n1]  eth0 ──┐
//      [ns <id>-n2]  eth0 ──┼── p-<host> ports on br0 [ns <id>-sw]
//      [ns <id>-c]   eth0 ──┘
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ip, ipJson, LabCommandError, run, type RunOptions, type RunResult } from './run.js';
import { checkHostName, DEFAULT_PREFIX, labNames, nsName, portName, switchNs, type LabNames } from './names.js';
import { spawnInNs, type LabProcess, type SpawnOptions } from './process.js';
import { cleanupStale, killNsPids } from './cleanup.js';

export const HOST_IF = 'eth0';
const BRIDGE = 'br0';

export interface HostSpec {
  readonly name: string;
  /** IPv4 address with prefix, e.g. "10.77.0.11/24"; default derived from the host's index. */
  readonly v4?: string;
  /** IPv6 address with prefix; default derived from the index; `false` for none. */
  readonly v6?: string | false;
}

export interface LabSpec {
  readonly hosts: readonly HostSpec[];
  readonly prefix?: string;
  /** Called with a line per step (for `halb lab`'s narration). */
  readonly onStep?: (line: string) => void;
}

export interface LabHost {
  readonly name: string;
  readonly ns: string;
  readonly ifname: string;
  /** Switch-side veth end (in the switch namespace). */
  readonly port: string;
  readonly v4: string;
  readonly v4Cidr: string;
  readonly v6?: string;
  readonly v6Cidr?: string;
  readonly mac: string;
}

/** The lab's IPv4 /24 and IPv6 /64; hosts get .10+index, VIPs are conventionally .100+. */
const LAB_V4_NET = '10.77.0';
const LAB_V6_NET = 'fd00:77::';

export function labV4(n: number): string {
  return `${LAB_V4_NET}.${n}`;
}
export function labV6(n: number): string {
  return `${LAB_V6_NET}${n.toString(16)}`;
}

// Hosts are addressed by static configuration only: no DAD delay after a link comes back, and IPv6
// addresses survive a link flap like IPv4 ones do (a "dead host" comes back with its addresses).
const HOST_SYSCTLS = [
  'net.ipv6.conf.all.accept_dad=0',
  'net.ipv6.conf.default.accept_dad=0',
  'net.ipv6.conf.all.keep_addr_on_down=1',
  'net.ipv6.conf.default.keep_addr_on_down=1',
  'net.ipv6.conf.default.accept_ra=0',
];

/**
 * Sets `key=value` sysctls inside namespace `ns`. `sysctl` (procps) is missing on minimal
 * installs, where `halb lab` must still work: then node itself writes /proc/sys from inside the
 * namespace (net.* entries belong to the namespace of whoever opens them).
 */
async function setSysctls(ns: string, settings: readonly string[]): Promise<void> {
  const r = await run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', ...settings], { allowFail: true });
  if (r.code === 0) return;
  if (!/exec of "sysctl" failed/.test(r.stderr)) throw new LabCommandError(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...settings], r);
  const script = "for (const kv of process.argv.slice(1)) { const [k, v] = kv.split('='); require('fs').writeFileSync('/proc/sys/' + k.replaceAll('.', '/'), v); }";
  await run('ip', ['netns', 'exec', ns, process.execPath, '-e', script, ...settings]);
}

export class Lab {
  readonly switchNs: string;
  readonly workDir: string;
  private readonly hostMap = new Map<string, LabHost>();
  private readonly procs = new Set<LabProcess>();
  private readonly logs = new Map<string, string>();
  private readonly namespaces: string[] = [];
  private destroying: Promise<void> | undefined;

  private constructor(
    readonly names: LabNames,
    private readonly onStep: (line: string) => void,
  ) {
    this.switchNs = switchNs(names);
    this.workDir = mkdtempSync(join(tmpdir(), `${names.id}-`));
  }

  /** Removes leftovers of crashed labs with the same prefix, then builds the topology. */
  static async create(spec: LabSpec): Promise<Lab> {
    const prefix = spec.prefix ?? DEFAULT_PREFIX;
    const seen = new Set<string>();
    for (const h of spec.hosts) {
      checkHostName(h.name);
      if (h.name === 'sw') throw new Error('lab host name "sw" is reserved for the switch namespace');
      if (seen.has(h.name)) throw new Error(`duplicate lab host "${h.name}"`);
      seen.add(h.name);
    }
    await cleanupStale(prefix);
    const lab = new Lab(labNames(prefix, process.pid, Math.random), spec.onStep ?? (() => undefined));
    try {
      await lab.build(spec.hosts);
      return lab;
    } catch (e) {
      await lab.destroy();
      throw e;
    }
  }

  get id(): string {
    return this.names.id;
  }

  get hosts(): readonly LabHost[] {
    return [...this.hostMap.values()];
  }

  host(name: string): LabHost {
    const h = this.hostMap.get(name);
    if (!h) throw new Error(`no lab host "${name}" (have: ${[...this.hostMap.keys()].join(', ')})`);
    return h;
  }

  private async addNs(ns: string): Promise<void> {
    await ip(undefined, ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await ip(ns, ['link', 'set', 'lo', 'up']);
  }

  private async build(hosts: readonly HostSpec[]): Promise<void> {
    const sw = this.switchNs;
    this.onStep(`switch: namespace ${sw}, bridge ${BRIDGE}`);
    await this.addNs(sw);
    // No STP and no forward delay: a port forwards as soon as its link is up. No multicast snooping:
    // VRRP multicast (224.0.0.18, ff02::12) must reach every port like on a plain switch.
    await ip(sw, ['link', 'add', BRIDGE, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0', 'mcast_snooping', '0']);
    await ip(sw, ['link', 'set', BRIDGE, 'up']);
    const built = await Promise.all(hosts.map((h, i) => this.addHost(h, i)));
    for (const h of built) this.hostMap.set(h.name, h);
  }

  private async addHost(spec: HostSpec, index: number): Promise<LabHost> {
    const ns = nsName(this.names, spec.name);
    const port = portName(spec.name);
    const v4Cidr = spec.v4 ?? `${labV4(10 + index)}/24`;
    const v6Cidr = spec.v6 === false ? undefined : (spec.v6 ?? `${labV6(0x10 + index)}/64`);
    await this.addNs(ns);
    await setSysctls(ns, HOST_SYSCTLS);
    await ip(this.switchNs, ['link', 'add', port, 'type', 'veth', 'peer', 'name', HOST_IF, 'netns', ns]);
    await ip(this.switchNs, ['link', 'set', port, 'master', BRIDGE, 'up']);
    // Locally administered MAC with the host index in the last octet: readable in captures.
    const mac = `02:4c:61:62:00:${(index + 1).toString(16).padStart(2, '0')}`;
    await ip(ns, ['link', 'set', HOST_IF, 'address', mac, 'up']);
    await ip(ns, ['addr', 'add', v4Cidr, 'dev', HOST_IF]);
    if (v6Cidr) await ip(ns, ['addr', 'add', v6Cidr, 'dev', HOST_IF, 'nodad']);
    const host: LabHost = {
      name: spec.name,
      ns,
      ifname: HOST_IF,
      port,
      v4: v4Cidr.split('/')[0]!,
      v4Cidr,
      mac,
      ...(v6Cidr ? { v6: v6Cidr.split('/')[0]!, v6Cidr } : {}),
    };
    this.onStep(`host ${spec.name}: namespace ${ns}, ${HOST_IF} ${mac} ${v4Cidr}${v6Cidr ? ` ${v6Cidr}` : ''}`);
    return host;
  }

  /** Runs `argv` inside the host's namespace and waits for it. */
  exec(host: string, argv: readonly string[], opts?: RunOptions): Promise<RunResult> {
    return run('ip', ['netns', 'exec', this.nsOf(host), ...argv], opts);
  }

  /** Starts `argv` inside the host's namespace (own process group), tracked until the lab is destroyed. */
  spawn(host: string, argv: readonly string[], opts: SpawnOptions = {}): LabProcess {
    if (this.destroying) throw new Error(`lab ${this.id} is being destroyed`);
    const p = spawnInNs(this.nsOf(host), host, argv, opts);
    this.procs.add(p);
    if (opts.logFile) this.logs.set(`${host}: ${argv[0]}`, opts.logFile);
    void p.exited.then(() => this.procs.delete(p));
    return p;
  }

  /** A file in the lab's work directory (removed by destroy). */
  path(name: string): string {
    return join(this.workDir, name);
  }

  /** Registers a log file to be tailed by dumpState. */
  addLog(label: string, file: string): void {
    this.logs.set(label, file);
  }

  get logFiles(): ReadonlyMap<string, string> {
    return this.logs;
  }

  get processes(): readonly LabProcess[] {
    return [...this.procs];
  }

  private nsOf(host: string): string {
    return host === 'sw' ? this.switchNs : this.host(host).ns;
  }

  /**
   * Pulls the host's cable: the switch-side end goes down, so the host sees no carrier and nothing
   * it sends reaches anyone (`end: 'host'` downs the host's own eth0 instead).
   */
  async linkDown(host: string, end: 'switch' | 'host' = 'switch'): Promise<void> {
    const h = this.host(host);
    if (end === 'switch') await ip(this.switchNs, ['link', 'set', h.port, 'down']);
    else await ip(h.ns, ['link', 'set', h.ifname, 'down']);
  }

  async linkUp(host: string, end: 'switch' | 'host' = 'switch'): Promise<void> {
    const h = this.host(host);
    if (end === 'switch') await ip(this.switchNs, ['link', 'set', h.port, 'up']);
    else await ip(h.ns, ['link', 'set', h.ifname, 'up']);
  }

  /**
   * Puts a host's interface back to its declared addresses, as after a reboot: a daemon killed with
   * SIGKILL leaves its VIPs configured, which a real host would have lost.
   */
  async resetAddresses(host: string): Promise<string[]> {
    const h = this.host(host);
    const keep = new Set([h.v4Cidr, h.v6Cidr].filter((x): x is string => !!x));
    const removed: string[] = [];
    const links = await ipJson<{ addr_info?: { local: string; prefixlen: number; scope?: string }[] }>(h.ns, ['addr', 'show', 'dev', h.ifname]);
    for (const a of links[0]?.addr_info ?? []) {
      const cidr = `${a.local}/${a.prefixlen}`;
      if (keep.has(cidr) || a.scope === 'link') continue;
      await ip(h.ns, ['addr', 'del', cidr, 'dev', h.ifname], { allowFail: true });
      removed.push(cidr);
    }
    return removed;
  }

  /**
   * Kills every process (tracked ones by process group, then anything else still inside the lab's
   * namespaces) and deletes every namespace, which removes the veths and the bridge. Idempotent;
   * safe to call after a partial build.
   */
  destroy(opts: { keepWorkDir?: boolean } = {}): Promise<void> {
    this.destroying ??= this.teardown(opts.keepWorkDir ?? false);
    return this.destroying;
  }

  private async teardown(keepWorkDir: boolean): Promise<void> {
    const procs = [...this.procs];
    for (const p of procs) p.signal('SIGKILL');
    await Promise.race([Promise.all(procs.map((p) => p.exited)), new Promise((r) => setTimeout(r, 5000).unref())]);
    for (const ns of [...this.namespaces].reverse()) {
      await killNsPids(ns);
      await ip(undefined, ['netns', 'del', ns], { allowFail: true });
    }
    this.namespaces.length = 0;
    if (!keepWorkDir) rmSync(this.workDir, { recursive: true, force: true });
  }
}
