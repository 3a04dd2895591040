// Socket reads without the Readable stream machinery.
//
// Every read through a `net.Socket` allocates a 64 KiB buffer, shrinks it, wraps it and goes
// through push/addChunk/emit('data'): in the http bench that machinery, not our code, was the
// largest userland cost per request. Node's `onread` socket option (public since v12) instead
// reads into one caller-owned buffer and calls back with the byte count. Here all sockets share
// one read buffer; the callback copies the bytes out at once (a slice of Node's 8 KiB pool for
// the small reads of request/response traffic), so what the sessions receive is theirs to keep
// and to hand to write(), exactly as a 'data' chunk.
//
// `onread` only exists as a constructor option, and net.Server creates accepted sockets itself:
// for those the same three fields the constructor sets are set after accept (the symbols are
// found on a socket built with `onread`), before the socket starts reading (the proxy listens
// with pauseOnConnect). When this Node does not have them, sockets fall back to 'data' events.
import { Socket } from 'node:net';

export type DataHandler = (this: Socket, chunk: Buffer) => void;

interface Syms {
  buffer: symbol;
  callback: symbol;
  gen: symbol;
}

const HANDLER = Symbol('halb.dataHandler');
const PENDING = Symbol('halb.pendingData');
type FastSocket = Socket & { [HANDLER]?: DataHandler | undefined; [PENDING]?: Buffer[] | undefined } & Record<symbol, unknown>;

/** Shared by every socket: read callbacks run one at a time on the event loop. */
const SHARED = Buffer.allocUnsafeSlow(64 * 1024);

function onRead(this: FastSocket, n: number, buf: Buffer): boolean {
  const chunk = Buffer.from(buf.subarray(0, n));
  const h = this[HANDLER];
  if (h) {
    h.call(this, chunk);
    return true;
  }
  // Bytes before anyone listens (a server that speaks first): kept, reading paused.
  (this[PENDING] ??= []).push(chunk);
  return false;
}

let syms: Syms | null | undefined;

function discover(): Syms | null {
  if (syms !== undefined) return syms;
  syms = null;
  try {
    const probe = new Socket({ onread: { buffer: Buffer.alloc(1), callback: () => true } } as ConstructorParameters<typeof Socket>[0]) as unknown as Record<symbol, unknown>;
    const find = (name: string): symbol | undefined => Object.getOwnPropertySymbols(probe).find((s) => s.description === name);
    const buffer = find('kBuffer');
    const callback = find('kBufferCb');
    const gen = find('kBufferGen');
    const handle = (probe as unknown as { _handle?: { useUserBuffer?: unknown } })._handle;
    (probe as unknown as Socket).destroy();
    if (buffer && callback && gen && probe[callback] && (handle === null || handle === undefined)) syms = { buffer, callback, gen };
  } catch {
    syms = null;
  }
  return syms;
}

/** Constructor options for sockets we create (server side): reads go through onRead. */
export function fastReadOptions(): { onread?: { buffer: Buffer; callback: (n: number, buf: Buffer) => boolean } } {
  return discover() ? { onread: { buffer: SHARED, callback: onRead } } : {};
}

/**
 * Switches an accepted socket that has not started reading to the shared buffer. False when this
 * Node lacks the hooks (the socket keeps emitting 'data').
 */
export function enableFastRead(socket: Socket): boolean {
  const s = discover();
  const handle = (socket as unknown as { _handle?: { useUserBuffer?: (b: Buffer) => void; reading?: boolean } })._handle;
  if (!s || !handle || typeof handle.useUserBuffer !== 'function' || handle.reading) return false;
  const fs = socket as FastSocket;
  if (fs[s.callback] === onRead) return true;
  handle.useUserBuffer(SHARED);
  fs[s.buffer] = SHARED;
  fs[s.callback] = onRead;
  fs[s.gen] = null;
  return true;
}

function isFast(socket: Socket): boolean {
  const s = syms;
  return !!s && (socket as FastSocket)[s.callback] === onRead;
}

/** Like socket.on('data', h), for fast and plain sockets alike. One handler per socket. */
export function onData(socket: Socket, h: DataHandler): void {
  if (!isFast(socket)) {
    socket.on('data', h);
    return;
  }
  const fs = socket as FastSocket;
  fs[HANDLER] = h;
  const pending = fs[PENDING];
  if (pending) {
    fs[PENDING] = undefined;
    for (const c of pending) h.call(socket, c);
    // onRead paused reading when it had no handler; a 'data' listener would resume the stream.
    if (!socket.destroyed) socket.resume();
  }
}

/** Like socket.removeListener('data', h). */
export function offData(socket: Socket, h: DataHandler): void {
  if (!isFast(socket)) {
    socket.removeListener('data', h);
    return;
  }
  const fs = socket as FastSocket;
  if (fs[HANDLER] === h) fs[HANDLER] = undefined;
}
