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
// Bulk flows would pay a 64 KiB copy per read that way. A read of BULK_READ bytes or more gives
// that socket a private buffer for its next read (Node asks `onread.buffer` for the next buffer
// after every read when it is a function); a read into a private buffer is handed out as is,
// without a copy, and the socket gets a new private buffer or, after a small read, the shared
// one again. Idle sockets therefore hold no buffer of their own. A session that knows a chunk
// is no longer referenced (tcp mode: written through synchronously, not kept for replay) gives
// it back with releaseChunk(), and the next bulk read reuses it while it is still in the CPU
// cache — what HAProxy gets from its per-session buffers.
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

const READ_SIZE = 64 * 1024;
/** Shared by every socket: read callbacks run one at a time on the event loop. */
const SHARED = Buffer.allocUnsafeSlow(READ_SIZE);
/** A read this large means a bulk flow: the next read goes to a private buffer (no copy). */
export const BULK_READ = 32 * 1024;

/** Private read buffers we allocated (only those are ever reused). */
const ours = new WeakSet<ArrayBufferLike>();
const free: Buffer[] = [];
const FREE_MAX = 16;

function privateBuffer(): Buffer {
  const b = free.pop();
  if (b) return b;
  const fresh = Buffer.allocUnsafeSlow(READ_SIZE);
  ours.add(fresh.buffer);
  return fresh;
}

/**
 * The caller guarantees nothing references `chunk` (nor its bytes) any more: a private read
 * buffer behind it may be read into again. Other chunks are ignored.
 */
export function releaseChunk(chunk: Buffer): void {
  const ab = chunk.buffer;
  if (free.length < FREE_MAX && chunk.byteOffset === 0 && ours.has(ab)) free.push(Buffer.from(ab, 0, READ_SIZE));
}

// Node calls onread.buffer right after onread.callback for the same socket (as a plain
// function, without the socket): the callback leaves its choice here.
let upcoming: Buffer = SHARED;
function nextBuffer(): Buffer {
  const b = upcoming;
  upcoming = SHARED;
  return b;
}

function onRead(this: FastSocket, n: number, buf: Buffer): boolean {
  // Read into the shared buffer: copy out now. Into a private one: ours to hand out.
  const chunk = buf === SHARED ? Buffer.from(buf.subarray(0, n)) : buf.subarray(0, n);
  upcoming = n >= BULK_READ ? privateBuffer() : SHARED;
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
export function fastReadOptions(): { onread?: { buffer: () => Buffer; callback: (n: number, buf: Buffer) => boolean } } {
  return discover() ? { onread: { buffer: nextBuffer, callback: onRead } } : {};
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
  fs[s.gen] = nextBuffer;
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
