// The addon's tcp-mode relay (native/relay.c), seen from the sessions.
//
// A tcp session starts in JavaScript: accept, server choice, connect, retries and the replay
// of the client's first bytes need the proxy's state. Once the server has answered and both
// sockets have nothing buffered, the session hands the two descriptors to the relay, which
// moves bytes inside the event loop without a JavaScript call per read (the per-request cost
// that kept tcp mode behind HAProxy). The session object stays in the proxy's live set: the
// sweep still enforces inactivity timeouts (relayIdleMs), stop() still aborts it, and the
// access log line is written when the relay reports the end.
//
// Optional in every way: without the addon (or with an older build, or HALB_NATIVE_RELAY=0)
// sessions stay in JavaScript from start to end, with the same behaviour.
import type { Socket } from 'node:net';
import { closeSync } from 'node:fs';
import { loadNative, type HalbNative, type RelayHandle } from '../native/addon.js';
import { socketFd } from './socket-fd.js';

/** How a relay ended by itself: 0 both directions closed cleanly, 1 client error, 2 server error. */
export type RelayEnd = 0 | 1 | 2;

export interface RelayOwner {
  onRelayDone(bytesIn: number, bytesOut: number, end: RelayEnd, errName: string | null): void;
  /** A parked session's first event: the owner now owns both descriptors (park()). */
  onRelayWake?(clientFd: number, serverFd: number): void;
}

export interface Relay {
  /** Milliseconds since a byte last moved either way. */
  idleMs(): number;
  /** Closes both sockets now; the bytes moved. The owner is not called back. */
  abort(): { bytesIn: number; bytesOut: number };
}

/** What the proxy gives its sessions: start a relay, or undefined (stay in JavaScript). */
export interface RelayApi {
  /**
   * Relays between duplicates of the two sockets' descriptors. The caller must then, before
   * returning to the event loop, detach its listeners and destroy both sockets (which closes
   * Node's descriptors and takes them out of libuv's epoll set; the connections stay open).
   */
  start(client: Socket, server: Socket, owner: RelayOwner): Relay | undefined;
  /**
   * Parks an idle session: the addon only watches duplicates of both descriptors, and at the
   * first event on either calls owner.onRelayWake with them (nothing read). Same caller duties
   * as start(); undefined when the addon cannot park.
   */
  park(client: Socket, server: Socket, owner: RelayOwner): Relay | undefined;
  /** Relays running in this thread. */
  count(): number;
}

type RelayNative = Required<Pick<HalbNative, 'relayInit' | 'relayStart' | 'relayIdleMs' | 'relayAbort' | 'relayCount'>> & Pick<HalbNative, 'relayPark'>;

let native: RelayNative | null | undefined;
const owners = new Map<number, RelayOwner>();
let nextId = 1;

function onDone(id: number, bytesIn: number, bytesOut: number, end: RelayEnd | 3, errName: string | null): void {
  const owner = owners.get(id);
  owners.delete(id);
  if (end === 3) {
    // Woken park: the two numbers are the descriptors, now ours.
    if (owner?.onRelayWake) owner.onRelayWake(bytesIn, bytesOut);
    else for (const fd of [bytesIn, bytesOut]) closeQuietly(fd);
    return;
  }
  owner?.onRelayDone(bytesIn, bytesOut, end, errName);
}

/** Closes a descriptor handed over by the addon; one already closed is not an error. */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* already gone */
  }
}

function addon(): RelayNative | null {
  if (native !== undefined) return native;
  native = null;
  try {
    const n = loadNative();
    if (n.relayInit && n.relayStart && n.relayIdleMs && n.relayAbort && n.relayCount) {
      n.relayInit(onDone);
      native = n as RelayNative;
    }
  } catch {
    // no addon: sessions relay in JavaScript
  }
  return native;
}

class NativeRelay implements Relay {
  constructor(
    private readonly n: RelayNative,
    private readonly handle: RelayHandle,
    private readonly id: number,
  ) {}

  idleMs(): number {
    return this.n.relayIdleMs(this.handle);
  }

  abort(): { bytesIn: number; bytesOut: number } {
    owners.delete(this.id);
    const [bytesIn, bytesOut] = this.n.relayAbort(this.handle);
    return { bytesIn: bytesIn!, bytesOut: bytesOut! };
  }
}

function begin(client: Socket, server: Socket, owner: RelayOwner, parked: boolean): Relay | undefined {
  const n = addon();
  if (!n || (parked && !n.relayPark)) return undefined;
  const cfd = socketFd(client);
  const sfd = socketFd(server);
  if (cfd === undefined || sfd === undefined) return undefined;
  const id = nextId++;
  let handle: RelayHandle;
  try {
    handle = parked ? n.relayPark!(cfd, sfd, id) : n.relayStart(cfd, sfd, id);
  } catch {
    return undefined; // out of descriptors, say: the session carries on in JavaScript
  }
  owners.set(id, owner);
  return new NativeRelay(n, handle, id);
}

const api: RelayApi = {
  start: (client, server, owner) => begin(client, server, owner, false),
  park: (client, server, owner) => begin(client, server, owner, true),
  count() {
    return addon()?.relayCount() ?? 0;
  },
};

/**
 * The relay when it can be used: `enabled` (default: unless HALB_NATIVE_RELAY=0) and the addon
 * has it. Sessions call start() and fall back to JavaScript when it returns undefined.
 */
export function nativeRelay(enabled = process.env.HALB_NATIVE_RELAY !== '0'): RelayApi | undefined {
  return enabled && addon() ? api : undefined;
}
