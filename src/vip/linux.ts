// VipManager for Linux: addresses through rtnetlink from the native addon (netlink.ts), or through
// iproute2 (`ip addr add|del`, execFile, no shell) when the addon lacks it; gratuitous ARP /
// unsolicited NA through the native addon.
//
// The takeover path (add, then the first gratuitous ARP) runs without an event loop turn when the
// addon has the fast path: the state file is written synchronously (a tmpfs, ~0.1 ms), the
// address is added with one acknowledged RTM_NEWADDR, and the ARP goes out on a packet socket
// kept open for the purpose. Measured in the failover lab (bench/failover-timeline.ts), the
// former path (state file via the thread pool, `ip -batch` round trip, GARP via a worker)
// put the first GARP 14-27 ms behind the takeover advert; keepalived's leaves within ~1 ms.
//
// Ownership ("only remove what a crashed earlier run left behind"): a state file records every
// address we add, written *before* the `ip addr add` so a crash between the two cannot leak an
// unrecorded address. On start, cleanupStale() removes recorded addresses that are still
// present on the recorded interface with the recorded prefix, and nothing else. The record
// carries the boot id and the writer's pid + start time: records from an earlier boot are
// dropped without touching addresses (they vanished with the reboot, and an admin may have
// configured the same address statically since), and a file whose writer is still running is
// refused (two daemons sharing a run dir would remove each other's VIPs). The file name holds
// the network namespace inode, so daemons in different namespaces on one host never share one.
//
// Why not the kernel's own marker: IFA_PROTO (Linux 6.1) would let `ip addr show proto halb`
// find our addresses with no state file, but iproute2 6.1 (Debian 12) cannot set it — `ip addr
// add ... proto` arrived in iproute2 6.2 — and setting it ourselves means an rtnetlink client in
// the addon. The state file works on every kernel; IFA_PROTO is the upgrade path.
//
// IPv6 VIPs are added with `nodad`: duplicate address detection would keep the address
// tentative (unusable, and not announceable) for about a second after becoming master, which
// is the failover time we are trying to cut; VRRP itself guarantees a single owner.
import { readFile } from 'node:fs/promises';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { VirtualAddress } from '../config/model-vrrp.js';
import type { VipManager } from './types.js';
import { execIp, IpCommandError, listAddresses, type IfAddr, type IpRunner } from './iproute.js';
import { loadNative, type HalbNative } from '../native/addon.js';
import { AnnounceWorker } from './announce-worker.js';
import { IpBatch } from './ip-batch.js';
import { NetlinkAddresses, type AddrChange } from './netlink.js';

export const DEFAULT_RUN_DIR = '/run/halb';

export interface LinuxVipManagerOptions {
  /** Directory of the ownership state file (default /run/halb, a tmpfs cleared at boot). */
  readonly runDir?: string;
  /** Explicit state file path; default `${runDir}/vips-net<netns inode>.json`. */
  readonly stateFile?: string;
  readonly ip?: IpRunner;
  /** The addon; loaded on first announce() when not given. */
  readonly native?: HalbNative;
  /**
   * Send announcements from a worker thread (announce-worker.ts says why). Default: on, unless
   * `native` or `ip` is given (tests with fakes run in-thread, without a worker).
   */
  readonly announceInWorker?: boolean;
  /**
   * Add and remove addresses through a long-lived `ip -batch` coprocess (ip-batch.ts says why).
   * Default: on, unless `ip` is given (tests with a fake runner).
   */
  readonly ipBatch?: boolean;
  /**
   * The takeover fast path: addresses through rtnetlink and gratuitous ARPs on a long-lived packet
   * socket, both from the addon, when it has them (older builds: `ip` and the worker). Default:
   * on, unless `ip` is given (tests with a fake runner).
   */
  readonly fastPath?: boolean;
  /**
   * Whether IPv6 VIPs may be announced (default true). With the fast path and no IPv6 VIP the
   * announcement worker (a second V8 isolate, only needed for unsolicited NAs then) is not
   * started in advance: idle, its garbage collections cost an idle backup ~0.1-0.2 % of a core.
   */
  readonly ipv6?: boolean;
}

/** One address we added, as recorded in the state file. */
export interface OwnedAddress {
  readonly ifname: string;
  readonly address: string;
  readonly prefix: number;
  readonly family: 4 | 6;
  readonly label?: string;
}

interface StateFile {
  readonly version: 1;
  readonly bootId: string;
  readonly pid: number;
  readonly pidStart: string;
  readonly addresses: OwnedAddress[];
}

export class VipStateInUseError extends Error {
  readonly code = 'HALB_VIP_STATE_IN_USE';
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(`VIP state file ${path} belongs to running process ${pid}; another halb manages addresses in this network namespace`);
  }
}

export class VipCleanupError extends AggregateError {
  readonly code = 'HALB_VIP_CLEANUP';
}

/** `/proc/PID/stat` field 22 (start time in clock ticks): with the pid, identifies a process across pid reuse. */
function processStart(pid: number | 'self'): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function bootId(): string {
  return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

function netnsInode(): string {
  const m = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/net'));
  return m ? m[1]! : 'unknown';
}

function key(ifname: string, address: string, prefix: number): string {
  return `${ifname}|${address}|${prefix}`;
}

/**
 * Normalises an address the way `ip -j` prints it (IPv6 compressed, lower case), without a
 * `/prefix` suffix (VirtualAddress.address may carry one; VirtualAddress.prefix is authoritative).
 */
/** The netlink request that adds `vip` (address already canonical); IPv6 without DAD (see top). */
function addChange(vip: VirtualAddress, address: string): AddrChange {
  return { op: 'add', family: vip.family, address, prefix: vip.prefix, ...(vip.label ? { label: vip.label } : {}), nodad: vip.family === 6 };
}

function canonical(address: string, family: 4 | 6): string {
  const bare = address.replace(/\/\d+$/, '');
  if (family === 4) return bare;
  return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
}

export class LinuxVipManager implements VipManager {
  readonly stateFile: string;
  private readonly ip: IpRunner;
  private nativeAddon: HalbNative | undefined;
  private readonly announcer: AnnounceWorker | undefined;
  private readonly batch: IpBatch | undefined;
  /** Runner for address changes on the takeover path (the batch coprocess when enabled). */
  private readonly change: IpRunner;
  /** rtnetlink through the addon (fast path); undefined: `change`. */
  private readonly netlink: NetlinkAddresses | undefined;
  private readonly fastPath: boolean;
  private readonly ipv6: boolean;
  /** Send-only packet socket for gratuitous ARPs (fast path), opened on first use. */
  private garpFd: number | undefined;
  private garpUnavailable = false;
  private owned = new Map<string, OwnedAddress>();
  /** Serialises state file updates and address changes. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly self = { pid: process.pid, pidStart: processStart('self') ?? '' };
  private readonly boot = bootId();
  /** The state file kept open for in-place updates (persist()). */
  private stateFd: number | undefined;
  private stateLen = 0;
  /** warm() has run the add's async body once. */
  private warmedAdd = false;

  constructor(opts: LinuxVipManagerOptions = {}) {
    this.stateFile = opts.stateFile ?? join(opts.runDir ?? DEFAULT_RUN_DIR, `vips-net${netnsInode()}.json`);
    this.ip = opts.ip ?? execIp();
    this.nativeAddon = opts.native;
    this.fastPath = opts.fastPath ?? opts.ip === undefined;
    this.ipv6 = opts.ipv6 ?? true;
    this.netlink = this.fastPath ? NetlinkAddresses.from(this.tryNative()) : undefined;
    // With netlink the coprocess would sit idle: start it only when it is the way addresses change.
    if (!this.netlink && (opts.ipBatch ?? opts.ip === undefined)) this.batch = new IpBatch(this.ip);
    this.change = this.batch ? this.batch.runner() : this.ip;
    if (opts.announceInWorker ?? (opts.native === undefined && opts.ip === undefined)) this.announcer = new AnnounceWorker();
  }

  /** Stops the announcement worker (addresses are left as they are). */
  close(): Promise<void> {
    this.batch?.close();
    this.closeStateFd();
    if (this.garpFd !== undefined) {
      const fd = this.garpFd;
      this.garpFd = undefined;
      try {
        this.native().close(fd);
      } catch {
        /* closing at shutdown: nothing left to do about it */
      }
    }
    return this.announcer?.close() ?? Promise.resolve();
  }

  /** Addresses this manager currently records as its own. */
  ownedAddresses(): OwnedAddress[] {
    return [...this.owned.values()];
  }

  add(vip: VirtualAddress, ifname: string): Promise<void> {
    return this.addAs(vip, ifname, false);
  }

  /** `dry`: the same code with no effect (warm()). */
  private addAs(vip: VirtualAddress, ifname: string, dry: boolean): Promise<void> {
    return this.serial(async () => {
      const dev = vip.dev ?? ifname;
      const address = canonical(vip.address, vip.family);
      const k = key(dev, address, vip.prefix);
      const hadRecord = this.owned.has(k);
      const entry: OwnedAddress = { ifname: dev, address, prefix: vip.prefix, family: vip.family, ...(vip.label ? { label: vip.label } : {}) };
      if (dry) return;
      this.owned.set(k, entry);
      this.persist();
      try {
        if (this.netlink) {
          this.netlink.apply(addChange(vip, address), dev);
        } else {
          const args = ['addr', 'add', `${address}/${vip.prefix}`, 'dev', dev];
          if (vip.label) args.push('label', vip.label);
          if (vip.family === 6) args.push('nodad');
          await this.change(args);
        }
      } catch (err) {
        // Present already (ours from before, or configured by someone else): not an error, but
        // only a record we held before makes it ours.
        const present = await this.isPresent(dev, address, vip.prefix).catch(() => false);
        if (!hadRecord) {
          this.owned.delete(k);
          this.persist();
        }
        if (!present) throw err;
      }
    });
  }

  /**
   * The takeover path, cold, cost 1.1-1.6 ms more than warm (first add in a fresh process, lab
   * namespace): lazy compilation of these functions and the state file's first write (mkdir,
   * write + rename, open). Both are paid here instead: the state file is written with what it
   * holds already and the netlink request is encoded but not sent (the ARP socket is opened by
   * cleanupStale()).
   */
  warm(vip: VirtualAddress, ifname: string): void {
    // Synchronous, so that a warm-up right before a takeover is done before the takeover runs.
    try {
      const dev = vip.dev ?? ifname;
      const address = canonical(vip.address, vip.family);
      key(dev, address, vip.prefix);
      this.persist(); // what the file holds already; its first write is the slow one
      this.netlink?.rehearse(addChange(vip, address), dev);
    } catch {
      /* problems show on the first real add */
    }
    // Once: the add's own (async) body, for V8 to compile it.
    if (!this.warmedAdd) {
      this.warmedAdd = true;
      this.addAs(vip, ifname, true).catch(() => undefined);
    }
  }

  remove(vip: VirtualAddress, ifname: string): Promise<void> {
    return this.serial(async () => {
      const dev = vip.dev ?? ifname;
      const address = canonical(vip.address, vip.family);
      try {
        if (this.netlink) this.netlink.apply({ op: 'del', family: vip.family, address, prefix: vip.prefix }, dev);
        else await this.change(['addr', 'del', `${address}/${vip.prefix}`, 'dev', dev]);
      } catch (err) {
        // Gone already (or the interface is gone): the goal is reached.
        const present = await this.isPresent(dev, address, vip.prefix).catch(() => false);
        if (present) throw err;
      }
      if (this.owned.delete(key(dev, address, vip.prefix))) this.persist();
    });
  }

  /** One gratuitous ARP (IPv4) or unsolicited neighbour advertisement (IPv6). */
  announce(vip: VirtualAddress, ifname: string): Promise<void> {
    return this.announceBurst(vip, ifname, 1).then(() => undefined);
  }

  /**
   * `count` announcements back to back (keepalived sends vrrp_garp_master_repeat = 5 at once);
   * the later repeats (vrrp_garp_master_delay) are scheduled by the VRRP core's effects.
   */
  async announceBurst(vip: VirtualAddress, ifname: string, count: number): Promise<number> {
    const dev = vip.dev ?? ifname;
    const address = canonical(vip.address, vip.family);
    if (vip.family === 4) {
      const fd = this.garpSocket();
      if (fd !== undefined) return this.native().sendGratuitousArpOn!(fd, dev, address, count);
    }
    if (this.announcer) {
      const router = vip.family === 6 && (await this.isRouter(dev));
      return this.announcer.send({ family: vip.family, ifname: dev, address, count, router });
    }
    const native = this.native();
    if (vip.family === 4) return native.sendGratuitousArp(dev, address, count);
    return native.sendUnsolicitedNa(dev, address, count, await this.isRouter(dev));
  }

  cleanupStale(): Promise<void> {
    // Called once at start: a good moment to have the announcement worker and the ip coprocess
    // ready (announce-worker.ts, ip-batch.ts).
    const garp = this.garpSocket();
    // The worker announces what the kept packet socket cannot: IPv6 NAs, or everything when the
    // addon lacks the fast path (it then starts on first use anyway).
    if (this.ipv6 || garp === undefined) this.announcer?.warm();
    this.batch?.warm();
    // The takeover path's pure parts are compiled by warm(), which the runtime calls per instance.
    return this.serial(async () => {
      const previous = await this.readState();
      const errors: Error[] = [];
      const keep = new Map<string, OwnedAddress>();
      if (previous && previous.bootId === bootId()) {
        if (previous.pid !== this.self.pid && processStart(previous.pid) === previous.pidStart) {
          throw new VipStateInUseError(this.stateFile, previous.pid);
        }
        const live = new Set((await listAddresses(this.ip)).map((a: IfAddr) => key(a.ifname, canonical(a.address, a.family), a.prefix)));
        for (const a of previous.addresses) {
          const k = key(a.ifname, a.address, a.prefix);
          if (!live.has(k)) continue;
          try {
            await this.ip(['addr', 'del', `${a.address}/${a.prefix}`, 'dev', a.ifname]);
          } catch (err) {
            if (await this.isPresent(a.ifname, a.address, a.prefix).catch(() => true)) {
              errors.push(err instanceof Error ? err : new Error(String(err)));
              keep.set(k, a); // still ours, still there: try again next start
            }
          }
        }
      }
      this.owned = new Map([...keep, ...this.owned]);
      this.persist();
      if (errors.length) throw new VipCleanupError(errors, `could not remove ${errors.length} stale VIP(s) left by an earlier run`);
    });
  }

  private native(): HalbNative {
    return (this.nativeAddon ??= loadNative());
  }

  /** The addon if it loads (the fast path is optional; announce() reports a missing addon). */
  private tryNative(): HalbNative | undefined {
    try {
      return this.native();
    } catch {
      return undefined;
    }
  }

  /** The fast path's packet socket, or undefined (no fast path, or the addon lacks it). */
  private garpSocket(): number | undefined {
    if (this.garpFd !== undefined || !this.fastPath || this.garpUnavailable) return this.garpFd;
    const native = this.tryNative();
    if (!native?.openPacketSocket || !native.sendGratuitousArpOn) {
      this.garpUnavailable = true;
      return undefined;
    }
    try {
      this.garpFd = native.openPacketSocket();
    } catch {
      // e.g. no CAP_NET_RAW here: the worker path will report the error on each send
      this.garpUnavailable = true;
    }
    return this.garpFd;
  }

  /** RFC 4861 §4.4: the Router flag tells neighbours whether we forward. */
  private async isRouter(dev: string): Promise<boolean> {
    try {
      return (await readFile(`/proc/sys/net/ipv6/conf/${dev}/forwarding`, 'utf8')).trim() === '1';
    } catch {
      return false;
    }
  }

  private async isPresent(dev: string, address: string, prefix: number): Promise<boolean> {
    const addrs = await listAddresses(this.ip, dev);
    return addrs.some((a) => canonical(a.address, a.family) === address && a.prefix === prefix);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async readState(): Promise<StateFile | undefined> {
    let text: string;
    try {
      text = await readFile(this.stateFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const s = JSON.parse(text) as StateFile;
      if (s.version !== 1 || !Array.isArray(s.addresses)) return undefined;
      return s;
    } catch {
      return undefined; // a torn or foreign file: nothing we can prove is ours
    }
  }

  /**
   * Synchronous: it runs on the takeover path before the address is added. The first write of a
   * run replaces the file atomically (write + rename: whatever an earlier run left may have any
   * length); later writes overwrite it in place with one pwrite() at offset 0 on a descriptor kept
   * open, padded with spaces (JSON allows trailing whitespace) to the longest content written, so
   * the file is never shorter than its content and one system call cannot be torn by a crash of
   * this process. Why: write + rename creates and renames a file, which waits for the file
   * system's journal; on a disk-backed run dir under load that took up to ~10 ms on the takeover
   * path (failover lab), where a pwrite into the page cache costs microseconds. If the file was
   * replaced or removed behind our back, the next write starts over with write + rename.
   */
  private persist(): void {
    const state: StateFile = { version: 1, bootId: this.boot, pid: this.self.pid, pidStart: this.self.pidStart, addresses: [...this.owned.values()] };
    const text = JSON.stringify(state, null, 1) + '\n';
    if (this.stateFd !== undefined && this.stateFdIsCurrent()) {
      const buf = Buffer.from(text.padEnd(this.stateLen, ' '));
      writeSync(this.stateFd, buf, 0, buf.length, 0);
      this.stateLen = Math.max(this.stateLen, buf.length);
      return;
    }
    this.closeStateFd();
    const dir = this.stateFile.slice(0, this.stateFile.lastIndexOf('/')) || '/';
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, this.stateFile);
    try {
      this.stateFd = openSync(this.stateFile, 'r+');
      this.stateLen = Buffer.byteLength(text);
    } catch {
      this.stateFd = undefined; // next write: write + rename again
    }
  }

  /** The kept descriptor still names the file at `stateFile` (same inode). */
  private stateFdIsCurrent(): boolean {
    try {
      const a = fstatSync(this.stateFd!);
      const b = statSync(this.stateFile);
      return a.ino === b.ino && a.dev === b.dev;
    } catch {
      return false;
    }
  }

  private closeStateFd(): void {
    if (this.stateFd === undefined) return;
    try {
      closeSync(this.stateFd);
    } catch {
      /* already closed */
    }
    this.stateFd = undefined;
  }
}

export { IpCommandError };
