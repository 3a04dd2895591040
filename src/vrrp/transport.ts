// Seam between the VRRP runtime and the network. Real implementation: raw IP protocol 112
// socket (native addon). In-memory fake: a hub that delivers between instances in one process.

export interface ReceivedVrrp {
  /** Source address of the IP packet (the router's primary address). */
  readonly src: string;
  readonly dst: string;
  /** IPv4 TTL or IPv6 hop limit as received; must be 255 (RFC 5798 §5.1.1.3). */
  readonly ttl: number;
  /** The VRRP message (IP header stripped). */
  readonly payload: Uint8Array;
  readonly ifindex?: number;
}

/**
 * Optional repeat-advert fast path of a transport (docs/vrrp-io.md, native/halb_native.c): once
 * armed with an accepted packet, the transport counts later packets identical to it (source,
 * destination, TTL, payload) instead of delivering them; the runtime collects them with `take()`
 * and replays them through the state machine at the time they arrived.
 */
export interface RepeatAbsorber {
  /** Absorb later packets identical to `p`; false when the transport cannot (nothing changed). */
  arm(p: ReceivedVrrp): boolean;
  /** Deliver every packet again; counts not yet taken stay available to `take()`. */
  disarm(): void;
  /** Packets absorbed since the last call and how long ago (ms) the latest arrived; undefined when none. */
  take(): { readonly count: number; readonly agoMs: number } | undefined;
}

export interface VrrpTransport {
  readonly family: 4 | 6;
  /** Our primary address on the interface (source of adverts). */
  readonly localAddress: string;
  /** Send a VRRP payload to the multicast group, or to `dest` (unicast peer). */
  send(payload: Uint8Array, dest?: string): void;
  onPacket(listener: (p: ReceivedVrrp) => void): void;
  /**
   * Present when the transport filters by VRID before onPacket (shared raw sockets): told of the
   * packets it filtered out, so other-VRID traffic is still counted. Transports without it hand
   * every packet to onPacket, where validation reports `unknown-vrid`.
   */
  onOtherVrid?(listener: (p: ReceivedVrrp) => void): void;
  /**
   * Deliver at once, synchronously, what is already queued for us (after an event-loop stall the
   * runtime re-checks its peers before acting on its timers). Absent: nothing is ever queued.
   */
  drain?(): void;
  close(): void;
  /** Present when the transport can absorb repeated adverts for this instance. */
  readonly repeats?: RepeatAbsorber;
}
