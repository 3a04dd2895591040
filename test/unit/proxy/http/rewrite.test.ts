import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestHead, parseResponseHead, type RequestHead, type ResponseHead } from '../../../../src/proxy/http/head-parser.js';
import { isIdempotent, responseHeadOut, rewriteRequestHead } from '../../../../src/proxy/http/rewrite.js';

function parse(text: string): { buf: Buffer; head: RequestHead } {
  const buf = Buffer.from(text, 'latin1');
  const r = parseRequestHead(buf, buf.length);
  assert.equal(r.kind, 'ok');
  return { buf, head: (r as { head: RequestHead }).head };
}

test('no rewrite: the exact head bytes are forwarded (body bytes excluded)', () => {
  const { buf, head } = parse('GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY');
  assert.equal(rewriteRequestHead(buf, head, { add: [], forceClose: false }).toString(), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
});

test('X-Forwarded-For is appended before the empty line; a bare-LF head is rebuilt with CRLF', () => {
  const a = parse('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(rewriteRequestHead(a.buf, a.head, { add: ['X-Forwarded-For: 10.1.2.3'], forceClose: false }).toString(), 'GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.1.2.3\r\n\r\n');
  const b = parse('GET / HTTP/1.1\nHost: x\n\n');
  assert.equal(rewriteRequestHead(b.buf, b.head, { add: ['X-Forwarded-For: ::1'], forceClose: false }).toString(), 'GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ::1\r\n\r\n');
});

test('http-server-close replaces Connection/Keep-Alive headers by Connection: close', () => {
  const a = parse('GET /p HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nAccept: */*\r\n\r\n');
  assert.equal(
    rewriteRequestHead(a.buf, a.head, { add: ['X-Forwarded-For: 1.2.3.4'], forceClose: true }).toString(),
    'GET /p HTTP/1.1\r\nHost: x\r\nAccept: */*\r\nX-Forwarded-For: 1.2.3.4\r\nConnection: close\r\n\r\n',
  );
  const b = parse('GET /p HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(rewriteRequestHead(b.buf, b.head, { add: [], forceClose: true }).toString(), 'GET /p HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
});

test('idempotent methods per RFC 9110', () => {
  for (const m of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']) assert.equal(isIdempotent(m), true, m);
  for (const m of ['POST', 'PATCH', 'CONNECT']) assert.equal(isIdempotent(m), false, m);
});

// HAProxy re-emits every head from its parsed fields: what it accepts in a loose form reaches
// the peer in canonical form. halb rebuilds only the heads the parser marks `normalise`.
test('normalised request heads: bare LF becomes CRLF, a Content-Length list or repeat becomes one value', () => {
  const cases: [string, string][] = [
    ['GET / HTTP/1.1\nHost: x\nX-A: 1\n\n', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n'],
    ['GET / HTTP/1.1\nHost: x\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['GET / HTTP/1.1\r\nHost: x\r\n\n', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n'],
    ['POST / HTTP/1.1\r\nContent-Length: 5\r\nHost: x\r\ncontent-length: 5\r\n\r\n', 'POST / HTTP/1.1\r\nContent-Length: 5\r\nHost: x\r\n\r\n'],
    ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 005\r\n\r\n', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n'],
  ];
  for (const [input, want] of cases) {
    const p = parse(input + 'hello');
    assert.equal(p.head.normalise, true, JSON.stringify(input));
    assert.equal(rewriteRequestHead(p.buf, p.head, { add: [], forceClose: false }).toString('latin1'), want, JSON.stringify(input));
  }
  const plain = parse('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n');
  assert.equal(plain.head.normalise, false, 'a canonical head is forwarded as is');
});

test('normalised response heads: CRLF, one Content-Length, none beside Transfer-Encoding', () => {
  const resp = (t: string): { buf: Buffer; head: ResponseHead } => {
    const buf = Buffer.from(t, 'latin1');
    const r = parseResponseHead(buf, buf.length);
    assert.equal(r.kind, 'ok');
    return { buf, head: (r as { head: ResponseHead }).head };
  };
  const a = resp('HTTP/1.1 200 OK\nContent-Length: 2, 2\n\nhi');
  assert.equal(responseHeadOut(a.buf, a.head, false).toString(), 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n');
  assert.equal(responseHeadOut(a.buf, a.head, true).toString(), 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n');
  const b = resp('HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n');
  assert.equal(responseHeadOut(b.buf, b.head, false).toString(), 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
  const c = resp('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi');
  assert.equal(c.head.normalise, false);
  assert.equal(responseHeadOut(c.buf, c.head, false).toString(), 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n');
});
