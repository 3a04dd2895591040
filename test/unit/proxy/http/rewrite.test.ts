import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestHead, type RequestHead } from '../../../../src/proxy/http/head-parser.js';
import { isIdempotent, rewriteRequestHead } from '../../../../src/proxy/http/rewrite.js';

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

test('X-Forwarded-For is appended before the empty line, CRLF or bare LF heads', () => {
  const a = parse('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(rewriteRequestHead(a.buf, a.head, { add: ['X-Forwarded-For: 10.1.2.3'], forceClose: false }).toString(), 'GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.1.2.3\r\n\r\n');
  const b = parse('GET / HTTP/1.1\nHost: x\n\n');
  assert.equal(rewriteRequestHead(b.buf, b.head, { add: ['X-Forwarded-For: ::1'], forceClose: false }).toString(), 'GET / HTTP/1.1\nHost: x\nX-Forwarded-For: ::1\r\n\r\n');
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
