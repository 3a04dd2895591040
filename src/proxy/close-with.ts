// Answers a client with a last message and closes it: the 408 of `timeout http-request` and the
// other error responses. HAProxy sends the message and closes; under a slowloris attack that is
// hundreds of times a second (each attacker reconnects after its 408). Through Node,
// end(body) + 'finish' + destroy() costs a WriteWrap, a ShutdownWrap completed on a later loop
// turn, two events and a closure per connection. When the kernel takes the whole message at once
// (a few hundred bytes on an idle socket: nearly always), close() right after send() delivers the
// same bytes followed by a FIN, as the shutdown did; otherwise Node's path as before.
import type { Socket } from 'node:net';
import { sendDirect } from './direct-write.js';

function destroyOnFinish(this: Socket): void {
  this.destroy();
}

/** Sends `body` to the client, then closes the connection. */
export function sendAndClose(s: Socket, body: Buffer): void {
  if (s.destroyed) return;
  if (!s.writableEnded) {
    const sent = sendDirect(s, body);
    if (sent === body.length) {
      s.destroy();
      return;
    }
    // The kernel took part of it (or nothing, or the direct path is off): the rest goes Node's
    // way, so ordering and error reporting stay Node's.
    if (sent > 0) body = body.subarray(sent);
  }
  s.end(body);
  s.once('finish', destroyOnFinish);
}
