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

/**
 * Bytes of `b` the kernel took at once, sent directly when Node holds nothing for `s`; 0 when the
 * direct path is off or not possible now, or the kernel took nothing (or the send failed).
 */
export function sendDirect(s: Socket, b: Buffer): number {
  const send = native();
  if (send === null || s.writableLength !== 0 || s.writableCorked || s.connecting || s.destroyed) return 0;
  const fd = socketFd(s);
  return fd === undefined ? 0 : Math.max(0, send(fd, b));
}

/** Like socket.write(b): false when the caller should wait for 'drain'. */
export function writeNow(s: Socket, b: Buffer): boolean {
  const sent = sendDirect(s, b);
  if (sent === b.length) return true;
  return s.write(sent > 0 ? b.subarray(sent) : b);
}
