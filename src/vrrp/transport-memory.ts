// In-memory VrrpTransport: a hub that delivers adverts between several VRRP runtimes in one
// process, like a LAN segment. Multicast sends reach every other endpoint of the same family;
// unicast sends reach the endpoint owning the destination address. Delivery is asynchronous
// (next macrotask), as on a real network, so no runtime re-enters itself.
// Links can be cut per endpoint to simulate a dead host or a partition.
import type { ReceivedVrrp, RepeatAbsorber, VrrpTransport } from './transport.js';
import { VRRP_MULTICAST_V4, VRRP_MULTICAST_V6, VRRP_TTL } from './packet.js';
import { sameReceived } from './repeat.js';

export interface HubPacket extends ReceivedVrrp {
  /** Endpoint that sent it. */
  readonly from: string;
}

export interface MemoryHubOptions {
  /** TTL/hop limit stamped on delivered packets (default 255). */
  readonly ttl?: number;
  /** Keep the last N delivered packets for inspection (default 1000). */
  readonly keep?: number;
  /**
   * Endpoints offer the repeat-advert fast path (`VrrpTransport.repeats`) as the raw-socket
   * transport does, so runtime tests exercise the replay logic; default off.
   */
  readonly absorbRepeats?: boolean;
}

export class MemoryHub {
  private readonly endpoints = new Set<MemoryEndpoint>();
  private readonly pending = new Set<ReturnType<typeof setTimeout>>();
  readonly log: HubPacket[] = [];

  constructor(private readonly opts: MemoryHubOptions = {}) {}

  endpoint(localAddress: string, family: 4 | 6 = localAddress.includes(':') ? 6 : 4): MemoryEndpoint {
    const ep = new MemoryEndpoint(this, localAddress, family, this.opts.absorbRepeats ?? false);
    this.endpoints.add(ep);
    return ep;
  }

  /** Cut or restore an endpoint's link (both directions). */
  setLink(localAddress: string, up: boolean): void {
    for (const ep of this.endpoints) if (ep.localAddress === localAddress) ep.linkUp = up;
  }

  /** @internal */
  deliver(from: MemoryEndpoint, payload: Uint8Array, dest?: string): void {
    if (!from.linkUp || from.closed) return;
    const dst = dest ?? (from.family === 4 ? VRRP_MULTICAST_V4 : VRRP_MULTICAST_V6);
    const packet: HubPacket = { from: from.localAddress, src: from.localAddress, dst, ttl: this.opts.ttl ?? VRRP_TTL, payload: payload.slice() };
    this.log.push(packet);
    const keep = this.opts.keep ?? 1000;
    if (this.log.length > keep) this.log.splice(0, this.log.length - keep);
    const targets = [...this.endpoints].filter((ep) => ep !== from && ep.family === from.family && (dest === undefined || ep.localAddress === dest));
    const t = setTimeout(() => {
      this.pending.delete(t);
      for (const ep of targets) if (ep.linkUp && !ep.closed && from.linkUp) ep.receive(packet);
    }, 0);
    this.pending.add(t);
  }

  /** @internal */
  remove(ep: MemoryEndpoint): void {
    this.endpoints.delete(ep);
  }

  close(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    for (const ep of [...this.endpoints]) ep.close();
  }
}

export class MemoryEndpoint implements VrrpTransport {
  linkUp = true;
  closed = false;
  private readonly listeners: Array<(p: ReceivedVrrp) => void> = [];
  readonly repeats?: RepeatAbsorber;
  /** Packets absorbed by the repeat fast path (not delivered to listeners). */
  absorbed = 0;
  /**
   * When the last packet reached this endpoint, absorbed or delivered (performance.now()): what
   * a backup's Master_Down timer counts from, so tests can judge a takeover against it.
   */
  lastHeardAt: number | undefined;
  private armed: ReceivedVrrp | undefined;
  private pending = 0;
  private lastAt = 0;

  constructor(
    private readonly hub: MemoryHub,
    readonly localAddress: string,
    readonly family: 4 | 6,
    absorbRepeats = false,
  ) {
    if (absorbRepeats) {
      this.repeats = {
        arm: (p) => {
          // Like the raw socket: only with one listener, which is the one that asked.
          if (this.closed || this.listeners.length !== 1) return false;
          this.armed = { src: p.src, dst: p.dst, ttl: p.ttl, payload: p.payload.slice() };
          return true;
        },
        disarm: () => (this.armed = undefined),
        take: () => {
          if (this.pending === 0) return undefined;
          const r = { count: this.pending, agoMs: Math.max(0, performance.now() - this.lastAt) };
          this.pending = 0;
          return r;
        },
      };
    }
  }

  send(payload: Uint8Array, dest?: string): void {
    this.hub.deliver(this, payload, dest);
  }

  onPacket(listener: (p: ReceivedVrrp) => void): void {
    this.armed = undefined;
    this.listeners.push(listener);
  }

  /** @internal */
  receive(p: HubPacket): void {
    const { from: _from, ...rx } = p;
    this.lastHeardAt = performance.now();
    if (this.armed && sameReceived(this.armed, rx)) {
      this.pending++;
      this.absorbed++;
      this.lastAt = performance.now();
      return;
    }
    for (const l of this.listeners) l(rx);
  }

  close(): void {
    this.closed = true;
    this.armed = undefined;
    this.listeners.length = 0;
    this.hub.remove(this);
  }
}
