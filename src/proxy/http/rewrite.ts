// Minimal rewriting of request heads on their way to a server. The common case (no
// forwardfor, no http-server-close) forwards the client's head bytes untouched. Otherwise we
// insert lines before the final empty line, or rebuild from the parsed fields when an existing
// Connection header must be replaced (http-server-close: HAProxy sends "Connection: close").
import type { RequestHead } from './head-parser.js';

export interface HeadRewrite {
  /** Extra header lines to append (without CRLF), e.g. "X-Forwarded-For: 10.0.0.1". */
  readonly add: readonly string[];
  /** Replace any Connection/Keep-Alive headers by "Connection: close". */
  readonly forceClose: boolean;
  /**
   * Drop the client's Connection/Keep-Alive headers (its "close" concerns the client side only):
   * the server connection stays reusable, as HAProxy keeps server connections alive whatever
   * the client asked. Ignored with forceClose.
   */
  readonly dropConnection?: boolean;
}

export function rewriteRequestHead(buf: Buffer, head: RequestHead, rw: HeadRewrite): Buffer {
  const raw = buf.subarray(head.start, head.length);
  const drop = !rw.forceClose && rw.dropConnection === true && head.hasConnectionHeader;
  if (rw.add.length === 0 && !rw.forceClose && !drop) return raw;
  if ((rw.forceClose && head.hasConnectionHeader) || drop) {
    // Rebuild: request line + kept fields + additions.
    const lineEnd = raw.indexOf(0x0a);
    const requestLine = raw.toString('latin1', 0, lineEnd > 0 && raw[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd);
    let out = requestLine + '\r\n';
    const h = head.headers;
    for (let i = 0; i < h.length; i += 2) {
      const n = h[i]!.toLowerCase();
      if (n === 'connection' || n === 'keep-alive') continue;
      out += `${h[i]}: ${h[i + 1]}\r\n`;
    }
    for (const a of rw.add) out += a + '\r\n';
    out += rw.forceClose ? 'Connection: close\r\n\r\n' : '\r\n';
    return Buffer.from(out, 'latin1');
  }
  // Insert before the terminating empty line ("\r\n" or a bare "\n").
  const termLen = raw.length >= 2 && raw[raw.length - 2] === 0x0d ? 2 : 1;
  let extra = '';
  for (const a of rw.add) extra += a + '\r\n';
  if (rw.forceClose) extra += 'Connection: close\r\n';
  extra += '\r\n';
  return Buffer.concat([raw.subarray(0, raw.length - termLen), Buffer.from(extra, 'latin1')]);
}

/** Methods whose replay is safe (RFC 9110 §9.2.2), for retries after a server closed early. */
export function isIdempotent(method: string): boolean {
  switch (method) {
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
    case 'TRACE':
    case 'PUT':
    case 'DELETE':
      return true;
    default:
      return false;
  }
}

/**
 * A response head with "Connection: close" added before its final empty line (RFC 9112 §9.6:
 * a server closing after this response should say so), for a client that asked to close while
 * the server connection stays open.
 */
export function withConnectionClose(head: Buffer): Buffer {
  const termLen = head.length >= 2 && head[head.length - 2] === 0x0d ? 2 : 1;
  return Buffer.concat([head.subarray(0, head.length - termLen), CLOSE_LINE]);
}
const CLOSE_LINE = Buffer.from('Connection: close\r\n\r\n', 'latin1');
