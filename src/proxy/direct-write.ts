// One send() for the writes of http mode's hot path: a request head to a pooled server
// connection, a response head (with the body bytes that came with it) to the client.
//
// Through Node, every write builds a WriteWrap, walks the Writable state machine and calls
// uv_try_write; for a few hundred bytes on a socket with nothing queued that bookkeeping costs
// more than the syscall. When Node holds nothing for the socket (writableLength 0, not corked,
// connected), the bytes go straight to the kernel with the addon's sendNow(); whatever the kernel
// does not take (a full buffer) or an error goes through socket.write() as before, so ordering,
// backpressure and error reporting stay Node's. Only used for the first write of a message: the
// socket's inactivity timer is refreshed by Node's own writes, which the bodies still use.
import type { Socket } from 'node:net';
import { loadNative } from '../native/addon.js';
import { socketFd } from './socket-fd.js';

type SendNow = (fd: number, bytes: Uint8Array) => number;

let sendNow: SendNow | null | undefined;

function native(): SendNow | null {
  if (sendNow === undefined) {
    try {
      sendNow = loadNative().sendNow ?? null;
    } catch {
      sendNow = null;
    }
    if (process.env.HALB_DIRECT_WRITE === '0') sendNow = null;
  }
  return sendNow;
}

/** Like socket.write(b): false when the caller should wait for 'drain'. */
export function writeNow(s: Socket, b: Buffer): boolean {
  const send = native();
  if (send !== null && s.writableLength === 0 && !s.writableCorked && !s.connecting && !s.destroyed) {
    const fd = socketFd(s);
    if (fd !== undefined) {
      const sent = send(fd, b);
      if (sent === b.length) return true;
      if (sent > 0) return s.write(b.subarray(sent));
    }
  }
  return s.write(b);
}
