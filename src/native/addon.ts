// Typed loader for our N-API addon (native/halb_native.c, built by `npm ci` via binding.gyp).
// Loaded lazily so that the load balancer runs on hosts where the addon was not built; VRRP
// then fails at start with NativeUnavailableError naming the fix.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** What recvFrom returns for one datagram. */
export interface NativeRecv {
  /** Source address of the IP packet ("" if the IPv4 header was malformed). */
  readonly src: string;
  /** Destination address (IPv4: from the header; IPv6: IPV6_PKTINFO). */
  readonly dst: string;
  /** IPv4 TTL from the header / IPv6 hop limit from IPV6_HOPLIMIT; -1 if unknown. */
  readonly ttl: number;
  readonly ifindex: number;
  /** Payload after the IP header (IPv4 header stripped; empty when it was malformed). */
  readonly payload: Buffer;
  /** The datagram was larger than the receive buffer. */
  readonly truncated: boolean;
}

/** Opaque uv_poll watcher handle. */
export type PollHandle = { readonly __brand: 'PollHandle' };
/** Opaque tcp relay handle (native/relay.c). */
export type RelayHandle = { readonly __brand: 'RelayHandle' };

/** Errors thrown by the addon carry the errno name as `code` (e.g. "EPERM"), negative `errno`, `syscall`. */
export interface NativeError extends Error {
  code: string;
  errno?: number;
  syscall?: string;
}

export interface HalbNative {
  openRaw(family: 4 | 6, protocol: number): number;
  bindToDevice(fd: number, ifname: string): void;
  joinMulticast(fd: number, group: string, ifindex: number): void;
  leaveMulticast(fd: number, group: string, ifindex: number): void;
  setMulticastInterface(fd: number, ifindex: number, srcAddr?: string | null): void;
  setTtl(fd: number, ttl: number): void;
  setMulticastLoop(fd: number, on: boolean): void;
  /** Bytes sent, or -1 when the socket buffer is full (EAGAIN). */
  sendTo(fd: number, dest: string, payload: Uint8Array, src?: string | null, ifindex?: number): number;
  recvFrom(fd: number): NativeRecv | null;
  close(fd: number): void;
  ifNameToIndex(name: string): number;
  pollStart(fd: number, onReadable: (err: Error | null) => void): PollHandle;
  pollStop(handle: PollHandle): void;
  /**
   * Repeat-advert fast path (native/halb_native.c): packets for `vrid` identical to this one
   * (source, destination, TTL / hop limit, VRRP bytes) are consumed and counted by the poll
   * watcher instead of waking JS. Replaces an earlier packet armed for the VRID.
   */
  repeatArm(handle: PollHandle, vrid: number, src: string, dst: string, ttl: number, payload: Uint8Array): void;
  repeatDisarm(handle: PollHandle, vrid: number): void;
  /** Fills `out` (Float64Array(512)): [2*vrid] = count since the last call, [2*vrid+1] = ms since the latest; returns how many VRIDs had any. */
  repeatTake(handle: PollHandle, out: Float64Array): number;
  sendGratuitousArp(ifname: string, ipv4: string, count: number): number;
  sendUnsolicitedNa(ifname: string, ipv6: string, count: number, router?: boolean): number;
  /** glibc mallopt(M_TRIM_THRESHOLD); false where it does not apply. */
  setMallocTrimThreshold?(bytes: number): boolean;
  /** glibc malloc_trim(0): free arena pages back to the kernel; false where it does not apply. */
  mallocTrim?(): boolean;
  // The takeover fast path (native/takeover.h). Optional: an addon built before them lacks them,
  // and callers then fall back to `ip` and the announcement worker.
  /**
   * Sends one rtnetlink request (bytes from src/vip/netlink-addr.ts) and waits for its ack.
   * Throws a NativeError with `syscall` "rtnetlink" and the kernel's errno (plus `detail`, the
   * extended-ack text, when the kernel gave one) if the kernel refused it.
   */
  netlinkRouteRequest?(msg: Uint8Array): void;
  /** A send-only AF_PACKET socket (protocol 0: receives nothing), kept open for GARPs. */
  openPacketSocket?(): number;
  /** Gratuitous ARPs on a socket from openPacketSocket(); the number sent. */
  sendGratuitousArpOn?(fd: number, ifname: string, ipv4: string, count: number): number;
  // The tcp-mode relay (native/relay.h, src/proxy/native-relay.ts). Optional like the above.
  /** Sets the callback for relays that end by themselves (end: 0 clean, 1 client error, 2 server error). */
  relayInit?(onDone: (id: number, bytesIn: number, bytesOut: number, end: 0 | 1 | 2 | 3, errName: string | null) => void): void;
  /** Relays between duplicates of the two descriptors (the caller closes its own). */
  relayStart?(clientFd: number, serverFd: number, id: number): RelayHandle;
  /** Watch-only: at the first event, onDone(id, clientFd, serverFd, 3, null) hands the descriptors back. */
  relayPark?(clientFd: number, serverFd: number, id: number): RelayHandle;
  relayIdleMs?(handle: RelayHandle): number;
  /** Closes both sockets now; [bytesIn, bytesOut]. */
  relayAbort?(handle: RelayHandle): number[];
  relayCount?(): number;
  /** One send() that does not wait: bytes taken (0 when the buffer is full), or -errno. */
  sendNow?(fd: number, bytes: Uint8Array): number;
  // native/fds.c: paused listeners (src/proxy/listen-gate.ts) and the descriptor budget.
  /** A close-on-exec duplicate of `fd`. */
  dupFd?(fd: number): number;
  /** [soft, hard] RLIMIT_NOFILE; -1 is unlimited. */
  getNofile?(): [number, number];
  /** Sets the soft RLIMIT_NOFILE (at most the hard limit). */
  setNofile?(soft: number): void;
}

export class NativeUnavailableError extends Error {
  readonly code = 'HALB_NATIVE_UNAVAILABLE';
  constructor(cause: unknown) {
    super(
      'the halb native addon (build/Release/halb_native.node) is not available; VRRP needs it. ' + 'Build it with `npm ci` (or `npx node-gyp rebuild`) on Linux with python3, make and a C compiler',
      { cause },
    );
  }
}

let cached: HalbNative | undefined;

/** The addon, loaded on first use. Throws NativeUnavailableError when it was not built. */
export function loadNative(): HalbNative {
  if (cached) return cached;
  // dist/src/native/addon.js -> <package root>/build/Release/halb_native.node
  const path = fileURLToPath(new URL('../../../build/Release/halb_native.node', import.meta.url));
  try {
    cached = createRequire(import.meta.url)(path) as HalbNative;
  } catch (err) {
    throw new NativeUnavailableError(err);
  }
  return cached;
}
