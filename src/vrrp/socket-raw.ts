// VrrpTransport over raw IP protocol 112 sockets (native addon), multicast or unicast.
//
// One raw socket per (family, interface) is shared by every VRRP instance on that interface:
// the kernel copies each protocol-112 packet to every raw socket, so one socket per instance
// would multiply every received advert by the number of instances (50 instances at 0.1 s
// adverts would mean 25,000 wakeups/s). Instead the socket demultiplexes on the VRID byte
// (offset 1 in both VRRPv2 and v3 headers, RFC 3768 §5.3 / RFC 5798 §5.2) and the pool that owns
// the sockets is passed in by the composition root (no global state).
//
// Source addresses are set per packet (IP_PKTINFO / IPV6_PKTINFO), so instances with different
// `unicast_src_ip` share a socket, and the socket stays unbound so it still hears multicast.
import type { ReceivedVrrp, RepeatAbsorber, VrrpTransport } from './transport.js';
import { execIp, primaryAddress, type IpRunner } from '../vip/iproute.js';
import { loadNative, type HalbNative, type NativeRecv, type PollHandle } from '../native/addon.js';

const VRRP_PROTOCOL = 112;
/** RFC 3768 §5.2.2 / RFC 5798 §5.1.1.2 and §5.1.2.2. */
const VRRP_GROUP_V4 = '224.0.0.18';
const VRRP_GROUP_V6 = 'ff02::12';
/** Receives handled per readiness callback before yielding to the event loop (uv_poll is level-triggered). */
const MAX_RECV_PER_WAKEUP = 64;
/** Bound of one drain(): a socket buffer's worth of adverts (~200 KiB of 40-byte packets would be 5,000). */
const MAX_RECV_PER_DRAIN = 8192;

export interface RawSocketStats {
  received: number;
  /** Datagrams whose IPv4 header was unusable or that did not fit the buffer. */
  malformed: number;
  /** Valid datagrams for a VRID no transport on this socket listens to. */
  unknownVrid: number;
  sent: number;
  /** Sends dropped because the socket buffer was full (EAGAIN). */
  sendDropped: number;
  sendErrors: number;
  recvErrors: number;
  /** Of `received`: repeats of an armed advert counted by the addon without waking JS. */
  absorbed: number;
}

export type TransportErrorListener = (err: Error & { code?: string }) => void;

/** One raw socket on one interface; created and reference-counted by RawSocketPool. */
export class RawVrrpSocket {
  readonly stats: RawSocketStats = { received: 0, malformed: 0, unknownVrid: 0, sent: 0, sendDropped: 0, sendErrors: 0, recvErrors: 0, absorbed: 0 };
  private readonly byVrid = new Map<number, Set<(p: ReceivedVrrp) => void>>();
  private readonly sniffers = new Set<(p: ReceivedVrrp) => void>();
  /** Told of packets for a VRID nobody here listens to (the instances' other-VRID counters). */
  private readonly otherVrid = new Set<(p: ReceivedVrrp) => void>();
  private readonly errorListeners = new Set<TransportErrorListener>();
  private poll: PollHandle | undefined;
  private fd: number;
  private joined = false;
  refs = 0;
  // Repeat-advert fast path (native/halb_native.c): VRIDs armed in the addon, and what was
  // absorbed for each but not yet taken by its transport (count, performance.now() of the latest).
  private readonly armed = new Set<number>();
  private readonly repeatOut = new Float64Array(512);
  private readonly absorbedCount = new Float64Array(256);
  private readonly absorbedAt = new Float64Array(256);
  /** The addon was asked in this synchronous turn; it cannot absorb anything before the turn ends. */
  private repeatsFresh = false;

  constructor(
    private readonly native: HalbNative,
    readonly family: 4 | 6,
    readonly ifname: string,
    readonly ifindex: number,
  ) {
    const fd = native.openRaw(family, VRRP_PROTOCOL);
    try {
      native.bindToDevice(fd, ifname);
      // RFC 5798 §5.1.1.3 / §5.1.2.3: TTL / hop limit 255, for multicast and unicast alike.
      native.setTtl(fd, 255);
      native.setMulticastInterface(fd, ifindex);
      // We must not hear our own adverts as if a peer sent them.
      native.setMulticastLoop(fd, false);
      this.poll = native.pollStart(fd, (err) => this.onReadable(err));
    } catch (err) {
      native.close(fd);
      throw err;
    }
    this.fd = fd;
  }

  get group(): string {
    return this.family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6;
  }

  /** Joins the VRRP group on the interface (once per socket). */
  joinGroup(): void {
    if (this.joined) return;
    this.native.joinMulticast(this.fd, this.group, this.ifindex);
    this.joined = true;
  }

  subscribe(vrid: number | undefined, listener: (p: ReceivedVrrp) => void): () => void {
    // Absorbing is only right when the one listener of a VRID asked for it: a sniffer or a second
    // listener must see every packet.
    if (vrid === undefined) for (const v of [...this.armed]) this.disarmRepeat(v);
    else this.disarmRepeat(vrid);
    if (vrid === undefined) {
      this.sniffers.add(listener);
      return () => this.sniffers.delete(listener);
    }
    let set = this.byVrid.get(vrid);
    if (!set) this.byVrid.set(vrid, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.byVrid.delete(vrid);
    };
  }

  /** Arms the addon to absorb repeats of `p` for `vrid`; false when not possible here. */
  armRepeat(vrid: number, p: ReceivedVrrp): boolean {
    if (this.fd < 0 || !this.poll || this.sniffers.size > 0 || this.byVrid.get(vrid)?.size !== 1) return false;
    if (p.payload[1] !== vrid) return false;
    try {
      this.native.repeatArm(this.poll, vrid, p.src, p.dst, p.ttl, p.payload);
    } catch (err) {
      this.emitError(err);
      return false;
    }
    this.armed.add(vrid);
    return true;
  }

  disarmRepeat(vrid: number): void {
    if (!this.armed.has(vrid)) return;
    this.refreshRepeats();
    this.armed.delete(vrid);
    if (this.poll) this.native.repeatDisarm(this.poll, vrid);
  }

  /** Repeats absorbed for `vrid` since the last call (count, ms since the latest), if any. */
  takeRepeats(vrid: number): { count: number; agoMs: number } | undefined {
    this.refreshRepeats();
    const count = this.absorbedCount[vrid]!;
    if (count === 0) return undefined;
    this.absorbedCount[vrid] = 0;
    return { count, agoMs: Math.max(0, performance.now() - this.absorbedAt[vrid]!) };
  }

  /** One addon call per socket and synchronous turn collects every VRID's counts. */
  private refreshRepeats(): void {
    if (this.repeatsFresh || this.armed.size === 0 || !this.poll) return;
    this.repeatsFresh = true;
    queueMicrotask(() => (this.repeatsFresh = false));
    const out = this.repeatOut;
    if (this.native.repeatTake(this.poll, out) === 0) return;
    const now = performance.now();
    for (let v = 0; v < 256; v++) {
      const c = out[2 * v]!;
      if (c === 0) continue;
      this.absorbedCount[v] = this.absorbedCount[v]! + c;
      this.absorbedAt[v] = now - out[2 * v + 1]!;
      this.stats.received += c;
      this.stats.absorbed += c;
    }
  }

  onOtherVrid(listener: (p: ReceivedVrrp) => void): () => void {
    this.otherVrid.add(listener);
    return () => this.otherVrid.delete(listener);
  }

  onError(listener: TransportErrorListener): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Sends one datagram; failures are counted and reported to error listeners, never thrown. */
  send(payload: Uint8Array, dest: string, src: string | undefined): boolean {
    if (this.fd < 0) return false;
    try {
      const n = this.native.sendTo(this.fd, dest, payload, src ?? null, this.ifindex);
      if (n < 0) {
        this.stats.sendDropped++;
        return false;
      }
      this.stats.sent++;
      return true;
    } catch (err) {
      this.stats.sendErrors++;
      this.emitError(err);
      return false;
    }
  }

  close(): void {
    if (this.fd < 0) return;
    if (this.poll) this.native.pollStop(this.poll);
    this.poll = undefined;
    try {
      this.native.close(this.fd);
    } catch (err) {
      this.emitError(err); // nothing to retry: the descriptor is released either way
    }
    this.fd = -1;
    this.byVrid.clear();
    this.sniffers.clear();
    this.otherVrid.clear();
    this.armed.clear();
  }

  private emitError(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    for (const l of this.errorListeners) l(e);
  }

  private onReadable(err: Error | null): void {
    if (err) {
      this.stats.recvErrors++;
      this.emitError(err);
      return;
    }
    this.readQueued(MAX_RECV_PER_WAKEUP);
  }

  /** Reads and dispatches what the kernel has queued now (after an event-loop stall), bounded. */
  drain(): void {
    this.readQueued(MAX_RECV_PER_DRAIN);
  }

  private readQueued(max: number): void {
    for (let i = 0; i < max && this.fd >= 0; i++) {
      let r: NativeRecv | null;
      try {
        r = this.native.recvFrom(this.fd);
      } catch (e) {
        this.stats.recvErrors++;
        this.emitError(e);
        return;
      }
      if (r === null) return;
      this.stats.received++;
      if (r.truncated || r.payload.length < 2 || r.src === '') {
        this.stats.malformed++;
        continue;
      }
      this.dispatch(r);
    }
  }

  private dispatch(r: NativeRecv): void {
    const p: ReceivedVrrp = { src: r.src, dst: r.dst, ttl: r.ttl, payload: r.payload, ifindex: r.ifindex };
    for (const l of this.sniffers) l(p);
    const listeners = this.byVrid.get(r.payload[1]!);
    if (!listeners) {
      if (this.sniffers.size === 0) this.stats.unknownVrid++;
      for (const l of this.otherVrid) l(p);
      return;
    }
    for (const l of listeners) l(p);
  }
}

/** Owns the shared raw sockets of one daemon; create one per daemon and pass it in. */
export class RawSocketPool {
  private readonly sockets = new Map<string, RawVrrpSocket>();
  constructor(private readonly native: HalbNative = loadNative()) {}

  acquire(family: 4 | 6, ifname: string): RawVrrpSocket {
    const key = `${family}/${ifname}`;
    let s = this.sockets.get(key);
    if (!s) {
      const ifindex = this.native.ifNameToIndex(ifname);
      if (ifindex === 0) throw Object.assign(new Error(`interface ${ifname} does not exist`), { code: 'ENODEV' });
      s = new RawVrrpSocket(this.native, family, ifname, ifindex);
      this.sockets.set(key, s);
    }
    s.refs++;
    return s;
  }

  release(s: RawVrrpSocket): void {
    if (--s.refs > 0) return;
    s.close();
    this.sockets.delete(`${s.family}/${s.ifname}`);
  }

  /** Closes every socket (daemon shutdown). */
  closeAll(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}

export interface RawTransportOptions {
  readonly family: 4 | 6;
  readonly ifname: string;
  /** Only packets for this VRID reach onPacket; undefined = every VRRP packet (diagnostics, tests). */
  readonly vrid?: number;
  /** keepalived `unicast_src_ip`: source of our adverts; implies unicast mode with `unicastPeers`. */
  readonly unicastSrcIp?: string;
  /** keepalived `unicast_peer`: when non-empty, adverts go to each peer instead of the group. */
  readonly unicastPeers?: readonly string[];
  /** Source of multicast adverts (the interface's primary address); see openRawTransport. */
  readonly localAddress?: string;
  readonly pool: RawSocketPool;
}

/**
 * Opens a transport, looking up the primary address (`ip -j addr`) unless `unicastSrcIp` or
 * `localAddress` is given. Look it up before adding VIPs to the interface.
 */
export async function openRawTransport(opts: RawTransportOptions & { readonly ip?: IpRunner }): Promise<RawVrrpTransport> {
  const local = opts.unicastSrcIp ?? opts.localAddress ?? (await primaryAddress(opts.ip ?? execIp(), opts.ifname, opts.family));
  if (!local) {
    throw Object.assign(new Error(`interface ${opts.ifname} has no ${opts.family === 4 ? 'IPv4' : 'IPv6 link-local'} address to send VRRP from`), { code: 'EADDRNOTAVAIL' });
  }
  return new RawVrrpTransport({ ...opts, localAddress: local });
}

/** A VrrpTransport for one VRRP instance, on a socket shared through `pool`. */
export class RawVrrpTransport implements VrrpTransport {
  readonly family: 4 | 6;
  readonly localAddress: string;
  private readonly socket: RawVrrpSocket;
  private readonly unsubscribes: (() => void)[] = [];
  private readonly peers: readonly string[];
  private closed = false;
  readonly repeats?: RepeatAbsorber;

  constructor(private readonly opts: RawTransportOptions) {
    this.family = opts.family;
    this.peers = opts.unicastPeers ?? [];
    const local = opts.unicastSrcIp ?? opts.localAddress;
    if (!local) throw new TypeError('RawVrrpTransport needs unicastSrcIp or localAddress (use openRawTransport to look it up)');
    this.localAddress = local;
    this.socket = opts.pool.acquire(opts.family, opts.ifname);
    try {
      if (this.peers.length === 0) this.socket.joinGroup();
    } catch (err) {
      opts.pool.release(this.socket);
      throw err;
    }
    const vrid = opts.vrid;
    if (vrid !== undefined) {
      const socket = this.socket;
      this.repeats = {
        arm: (p) => !this.closed && socket.armRepeat(vrid, p),
        disarm: () => socket.disarmRepeat(vrid),
        take: () => socket.takeRepeats(vrid),
      };
    }
  }

  get unicast(): boolean {
    return this.peers.length > 0;
  }

  /** Counters of the underlying socket, shared by every instance on this interface and family. */
  get stats(): Readonly<RawSocketStats> {
    return this.socket.stats;
  }

  send(payload: Uint8Array, dest?: string): void {
    if (this.closed) return;
    if (dest !== undefined) this.socket.send(payload, dest, this.localAddress);
    else if (this.unicast) for (const peer of this.peers) this.socket.send(payload, peer, this.localAddress);
    else this.socket.send(payload, this.socket.group, this.localAddress);
  }

  onPacket(listener: (p: ReceivedVrrp) => void): void {
    if (this.closed) return;
    this.unsubscribes.push(this.socket.subscribe(this.opts.vrid, listener));
  }

  /**
   * Packets on this interface for a VRID no instance here listens to: demultiplexing happens in
   * the socket, so without this hook an instance never sees them (halb_vrrp_adverts_other_vrid_total).
   */
  onOtherVrid(listener: (p: ReceivedVrrp) => void): void {
    if (this.closed || this.opts.vrid === undefined) return;
    this.unsubscribes.push(this.socket.onOtherVrid(listener));
  }

  drain(): void {
    if (!this.closed) this.socket.drain();
  }

  /** Send/receive failures (counted in stats as well). */
  onError(listener: TransportErrorListener): void {
    if (this.closed) return;
    this.unsubscribes.push(this.socket.onError(listener));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.opts.vrid !== undefined) this.socket.disarmRepeat(this.opts.vrid);
    for (const u of this.unsubscribes) u();
    this.opts.pool.release(this.socket);
  }
}
