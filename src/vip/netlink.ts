// Adds and removes addresses with rtnetlink through the native addon: the request is encoded by the
// pure codec (netlink-addr.ts), sent and acknowledged synchronously by native/netlink.c. This is
// the takeover path's replacement for `ip addr add` (ip-batch.ts): no process, no pipe, no event
// loop turn between the takeover advert and the gratuitous ARP that follows the address.
import type { HalbNative, NativeError } from '../native/addon.js';
import { describeAddrRequest, encodeAddrRequest, type AddrRequest } from './netlink-addr.js';

export class VipNetlinkError extends Error {
  readonly code = 'HALB_VIP_NETLINK';
  constructor(
    /** The `ip` command the request stands for, e.g. "ip addr add 10.0.0.1/24 dev eth0". */
    readonly command: string,
    /** errno name from the kernel's ack ("EEXIST", "EADDRNOTAVAIL", …) or the failed syscall. */
    readonly errnoCode: string | undefined,
    message: string,
    cause?: unknown,
  ) {
    super(`${command} (netlink) failed: ${message}`, cause === undefined ? undefined : { cause });
  }
}

export type AddrChange = Omit<AddrRequest, 'seq' | 'ifindex'>;

export class NetlinkAddresses {
  private seq = 1;

  constructor(private readonly native: Required<Pick<HalbNative, 'netlinkRouteRequest' | 'ifNameToIndex'>>) {}

  /** An adapter when the addon has the request call; undefined means "use `ip`". */
  static from(native: HalbNative | undefined): NetlinkAddresses | undefined {
    if (!native || typeof native.netlinkRouteRequest !== 'function') return undefined;
    const request = native.netlinkRouteRequest.bind(native);
    return new NetlinkAddresses({ netlinkRouteRequest: request, ifNameToIndex: native.ifNameToIndex.bind(native) });
  }

  /** Everything apply() does but the request itself: compiles the path before a takeover needs it. */
  rehearse(change: AddrChange, ifname: string): void {
    describeAddrRequest(change, ifname);
    const ifindex = this.native.ifNameToIndex(ifname);
    encodeAddrRequest({ ...change, ifindex: ifindex || 1, seq: 0 });
  }

  /**
   * Applies one change on `ifname`; throws VipNetlinkError (kernel refusal: `errnoCode` is its
   * errno name, e.g. EEXIST for an address already present, EADDRNOTAVAIL for one absent).
   */
  apply(change: AddrChange, ifname: string): void {
    const command = describeAddrRequest(change, ifname);
    const ifindex = this.native.ifNameToIndex(ifname);
    if (ifindex === 0) throw new VipNetlinkError(command, 'ENODEV', `no interface named ${ifname}`);
    const seq = this.seq;
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
    const enc = encodeAddrRequest({ ...change, ifindex, seq });
    if (!enc.ok) throw new VipNetlinkError(command, undefined, enc.reason);
    try {
      this.native.netlinkRouteRequest(enc.bytes);
    } catch (err) {
      const e = err as NativeError;
      throw new VipNetlinkError(command, typeof e.code === 'string' ? e.code : undefined, e.message ?? String(err), err);
    }
  }
}
