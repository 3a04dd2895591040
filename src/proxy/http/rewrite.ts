// Minimal rewriting of request heads on their way to a server. The common case (no
// forwardfor, no http-server-close) forwards the client's head bytes untouched. Otherwise we
// insert lines before the final empty line, or rebuild from the parsed fields when an existing
// Connection header must be replaced (http-server-close: HAProxy sends "Connection: close").
import type { RequestHead, ResponseHead } from './head-parser.js';

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
  if (rw.add.length === 0 && !rw.forceClose && !drop && !head.normalise) return raw;
  if ((rw.forceClose && head.hasConnectionHeader) || drop || head.normalise) {
    return rebuildHead(raw, head, rw.forceClose || drop, rw.add, rw.forceClose);
  }
  // Insert before the terminating empty line ("\r\n" or a bare "\n").
  const termLen = raw.length >= 2 && raw[raw.length - 2] === 0x0d ? 2 : 1;
  let extra = '';
  for (const a of rw.add) extra += a + '\r\n';
  if (rw.forceClose) extra += 'Connection: close\r\n';
  extra += '\r\n';
  return Buffer.concat([raw.subarray(0, raw.length - termLen), Buffer.from(extra, 'latin1')]);
}

/**
 * A head rebuilt from its first line and parsed fields, every line ending in CRLF, with one
 * Content-Length in canonical form (none when the message is framed by Transfer-Encoding):
 * what HAProxy emits after parsing, so a bare LF or `Content-Length: 5, 5` never reaches a
 * peer that might read it another way.
 */
function rebuildHead(raw: Buffer, head: RequestHead | ResponseHead, dropConnection: boolean, add: readonly string[], close: boolean): Buffer {
  const lineEnd = raw.indexOf(0x0a);
  let out = raw.toString('latin1', 0, lineEnd > 0 && raw[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd) + '\r\n';
  const h = head.headers;
  let clDone = head.contentLength < 0;
  for (let i = 0; i < h.length; i += 2) {
    const n = h[i]!.toLowerCase();
    if (dropConnection && (n === 'connection' || n === 'keep-alive')) continue;
    if (n === 'content-length') {
      if (!clDone) out += `${h[i]}: ${head.contentLength}\r\n`;
      clDone = true;
      continue;
    }
    out += `${h[i]}: ${h[i + 1]}\r\n`;
  }
  for (const a of add) out += a + '\r\n';
  out += close ? 'Connection: close\r\n\r\n' : '\r\n';
  return Buffer.from(out, 'latin1');
}

/**
 * The response head to send to the client: the server's bytes when they are canonical, else
 * rebuilt (head-parser's `normalise`); with `Connection: close` added when `addClose`.
 */
export function responseHeadOut(buf: Buffer, head: ResponseHead, addClose: boolean): Buffer {
  const raw = buf.subarray(0, head.length);
  if (head.normalise) return rebuildHead(raw, head, false, [], addClose && !head.connClose);
  return addClose && !head.connClose ? withConnectionClose(raw) : raw;
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
