import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  findHeadEnd,
  parseRequestHead,
  checkTarget,
  parseResponseHead,
  requestBodyKind,
  upgradeAgreed,
  responseBodyKind,
  type RequestHead,
  type ResponseHead,
} from '../../../../src/proxy/http/head-parser.js';

function req(text: string, limits?: { maxHeadBytes: number; maxHeaders: number }) {
  const b = Buffer.from(text, 'latin1');
  return parseRequestHead(b, b.length, limits);
}
function okReq(text: string): RequestHead {
  const r = req(text);
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  return (r as { head: RequestHead }).head;
}
function res(text: string) {
  const b = Buffer.from(text, 'latin1');
  return parseResponseHead(b, b.length);
}
function okRes(text: string): ResponseHead {
  const r = res(text);
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  return (r as { head: ResponseHead }).head;
}
function errStatus(r: { kind: string; status?: number }): number | string {
  return r.kind === 'error' ? r.status! : r.kind;
}

test('simple GET', () => {
  const h = okReq('GET /a?b=1 HTTP/1.1\r\nHost: x\r\nUser-Agent:  wrk \r\n\r\n');
  assert.equal(h.method, 'GET');
  assert.equal(h.target, '/a?b=1');
  assert.equal(h.versionMinor, 1);
  assert.deepEqual(h.headers, ['Host', 'x', 'User-Agent', 'wrk']);
  assert.equal(h.contentLength, -1);
  assert.equal(h.chunked, false);
  assert.deepEqual(requestBodyKind(h), { kind: 'none' });
});

test('head end detection: CRLF, bare LF, pipelined data after the head', () => {
  const t = 'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\n';
  const b = Buffer.from(t);
  assert.equal(findHeadEnd(b, b.length), t.indexOf('GET /2'));
  const h = okReq('GET / HTTP/1.1\nHost: x\n\n');
  assert.equal(h.length, 'GET / HTTP/1.1\nHost: x\n\n'.length);
  const lead = okReq('\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(lead.start, 2);
});

test('incomplete heads are reported as such at every split point', () => {
  const t = 'POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n';
  for (let i = 0; i < t.length; i++) {
    const b = Buffer.from(t.slice(0, i));
    assert.equal(parseRequestHead(b, b.length).kind, 'incomplete', `at ${i}`);
  }
  assert.equal(okReq(t).contentLength, 5);
});

test('content-length and chunked framing', () => {
  assert.deepEqual(requestBodyKind(okReq('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n')), { kind: 'length', n: 12 });
  assert.deepEqual(requestBodyKind(okReq('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')), { kind: 'none' });
  assert.deepEqual(requestBodyKind(okReq('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n')), { kind: 'chunked' });
  assert.deepEqual(requestBodyKind(okReq('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 7, 7\r\n\r\n')), { kind: 'length', n: 7 });
});

test('connection tokens, upgrade, expect', () => {
  const h = okReq('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nExpect: 100-continue\r\n\r\n');
  assert.equal(h.connUpgrade, true);
  assert.equal(h.connKeepAlive, true);
  assert.equal(h.connClose, false);
  assert.equal(h.upgrade, 'websocket');
  assert.equal(h.expectContinue, true);
  assert.equal(okReq('GET / HTTP/1.0\r\nConnection: close\r\n\r\n').connClose, true);
});

const MALFORMED: [string, string][] = [
  ['garbage', 'HELLO\r\n\r\n'],
  ['lowercase version', 'GET / http/1.1\r\nHost: x\r\n\r\n'],
  ['HTTP/2 request line', 'GET / HTTP/2.0\r\nHost: x\r\n\r\n'],
  ['double space', 'GET  / HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['space in target', 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['tab separator', 'GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['non-token method', 'G(T / HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['missing host 1.1', 'GET / HTTP/1.1\r\n\r\n'],
  ['duplicate host', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
  ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  continued\r\n\r\n'],
  ['space before colon', 'GET / HTTP/1.1\r\nHost : x\r\n\r\n'],
  ['no colon', 'GET / HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n'],
  ['empty name', 'GET / HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n'],
  ['NUL in value', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n'],
  ['bare CR in value', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n'],
  ['CL not a number', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n'],
  ['CL negative', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'],
  ['CL plus sign', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n'],
  ['CL conflicting duplicates', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n'],
  ['CL huge', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n'],
  ['TE and CL (smuggling)', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n'],
  ['TE not chunked', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n'],
  ['TE chunked twice', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n'],
  ['TE obfuscated', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n'],
  ['TE in 1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n'],
  // HAProxy 2.6 h1 parser: the absolute-form authority must match Host (a default port may be
  // left out on either side); authority-form only with CONNECT; `*` only with OPTIONS.
  ['absolute-form authority differs from Host', 'GET http://a.example/ HTTP/1.1\r\nHost: b.example\r\n\r\n'],
  ['absolute-form port differs from Host', 'GET http://a.example:8080/ HTTP/1.1\r\nHost: a.example\r\n\r\n'],
  ['absolute-form with CONNECT', 'CONNECT http://a.example/ HTTP/1.1\r\nHost: a.example\r\n\r\n'],
  ['authority-form without CONNECT', 'GET a.example:80 HTTP/1.1\r\nHost: a.example\r\n\r\n'],
  ['CONNECT without a port', 'CONNECT a.example HTTP/1.1\r\nHost: a.example\r\n\r\n'],
  ['CONNECT host mismatch', 'CONNECT a.example:443 HTTP/1.1\r\nHost: b.example:443\r\n\r\n'],
  ['asterisk without OPTIONS', 'GET * HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['binary junk', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n\n'],
];
for (const [name, text] of MALFORMED) {
  test(`malformed request rejected with 400: ${name}`, () => {
    assert.equal(errStatus(req(text)), 400);
  });
}

test('limits: oversized head gives 431, complete or not; too many headers gives 431', () => {
  const limits = { maxHeadBytes: 256, maxHeaders: 5 };
  const big = 'GET / HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'a'.repeat(300);
  assert.equal(errStatus(req(big, limits)), 431, 'incomplete but already over the limit');
  assert.equal(errStatus(req(big + '\r\n\r\n', limits)), 431);
  let many = 'GET / HTTP/1.1\r\nHost: x\r\n';
  for (let i = 0; i < 6; i++) many += `X-${i}: 1\r\n`;
  assert.equal(errStatus(req(many + '\r\n', limits)), 431);
  assert.equal(req('GET / HTTP/1.1\r\nHost: x\r\nX-1: 1\r\n\r\n', limits).kind, 'ok');
});

test('hostile: long run of spaces in a value parses in linear time', () => {
  const v = ' '.repeat(15000) + 'x';
  const t0 = performance.now();
  const h = okReq(`GET / HTTP/1.1\r\nHost: x\r\nX-S: ${v}\r\n\r\n`);
  assert.equal(h.headers[3], 'x');
  assert.ok(performance.now() - t0 < 1000);
});

test('responses: status, framing by status and method', () => {
  const r = okRes('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n');
  assert.equal(r.status, 200);
  assert.deepEqual(responseBodyKind(r, 'GET'), { kind: 'length', n: 3 });
  assert.deepEqual(responseBodyKind(r, 'HEAD'), { kind: 'none' });
  assert.deepEqual(responseBodyKind(okRes('HTTP/1.1 204 No Content\r\n\r\n'), 'GET'), { kind: 'none' });
  assert.deepEqual(responseBodyKind(okRes('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n'), 'GET'), { kind: 'none' });
  assert.deepEqual(responseBodyKind(okRes('HTTP/1.1 100 Continue\r\n\r\n'), 'POST'), { kind: 'none' });
  assert.deepEqual(responseBodyKind(okRes('HTTP/1.1 200 OK\r\n\r\n'), 'GET'), { kind: 'close' });
  assert.deepEqual(responseBodyKind(okRes('HTTP/1.0 200\r\n\r\n'), 'GET'), { kind: 'close' });
  assert.deepEqual(responseBodyKind(okRes('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'), 'GET'), { kind: 'chunked' });
  assert.deepEqual(responseBodyKind(okRes('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n'), 'GET'), { kind: 'close' });
  const both = okRes('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n');
  assert.equal(both.teAndCl, true);
  assert.deepEqual(responseBodyKind(both, 'GET'), { kind: 'chunked' });
  assert.equal(okRes('HTTP/1.1 200 \r\n\r\n').reason, '');
  assert.equal(okRes('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n').connUpgrade, true);
});

test('bad responses are 502', () => {
  for (const t of [
    'HTTP/1.1 2000 OK\r\n\r\n',
    'HTTP/1.1 099 x\r\n\r\n',
    'ICY 200 OK\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
    'HTTP/1.1 200 OK\r\nBad Header: 1\r\n\r\n',
  ]) {
    assert.equal(errStatus(res(t)), 502, t);
  }
  const garbage = Buffer.from('garbage without end');
  assert.equal(parseResponseHead(garbage, garbage.length).kind, 'error', 'garbage is rejected before the head ends');
  const partial = Buffer.from('HTTP/1.1 200 OK\r\n');
  assert.equal(parseResponseHead(partial, partial.length).kind, 'incomplete');
});

test('fuzz: random bytes never throw', () => {
  let seed = 42;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const alphabet = 'GET /HTP1.\r\n:abc \t\x00\x7f\xff0123456789';
  for (let n = 0; n < 3000; n++) {
    let s = n % 2 ? 'GET / HTTP/1.1\r\n' : '';
    const len = Math.floor(rnd() * 200);
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    if (n % 3 === 0) s += '\r\n\r\n';
    const b = Buffer.from(s, 'latin1');
    const r = parseRequestHead(b, b.length);
    assert.ok(['ok', 'incomplete', 'error'].includes(r.kind));
    const r2 = parseResponseHead(b, b.length);
    assert.ok(['ok', 'incomplete', 'error'].includes(r2.kind));
  }
});

test('an unfinished head that cannot be a request line is rejected at once', () => {
  const tls = Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01]);
  assert.equal(errStatus(parseRequestHead(tls, tls.length)), 400);
  const fine = Buffer.from('GET /partial HT');
  assert.equal(parseRequestHead(fine, fine.length).kind, 'incomplete');
});

test('first lines read from bytes accept exactly the RFC 9112 grammar (checked against it as regexes)', () => {
  // The grammar written as regexes over the decoded line: the oracle for the byte parsers.
  const requestLine = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e]+) HTTP\/1\.([01])$/;
  const statusLine = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: ([^\x00-\x08\x0a-\x1f\x7f]*))?$/;
  let seed = 7;
  const rnd = (n: number): number => Math.floor(((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * n);
  const pieces = [
    'GET',
    'POST',
    'OPTIONS',
    'M-SEARCH',
    'get',
    ' ',
    '  ',
    '/',
    '/a?b=c',
    '*',
    'HTTP/1.1',
    'HTTP/1.0',
    'HTTP/1.2',
    'HTTP/2.0',
    'http/1.1',
    '200',
    '404',
    '099',
    '1000',
    'OK',
    'Not Found',
    '\t',
    '\x00',
    '\x7f',
    '\xe9',
    '\x01',
    'HTTP/1.1 ',
    ' 200',
    '',
  ];
  const lines = [
    'GET / HTTP/1.1',
    'OPTIONS * HTTP/1.0',
    'M-SEARCH * HTTP/1.1',
    'GET /\xe9 HTTP/1.1',
    'GET /\x7f HTTP/1.1',
    'GET /\x00 HTTP/1.1',
    'GET  / HTTP/1.1',
    'GET / HTTP/1.1 ',
    'HTTP/1.1 200 OK',
    'HTTP/1.1 200',
    'HTTP/1.1 200 ',
    'HTTP/1.0 599 x\ty\xe9',
    'HTTP/1.1 200 O\x01K',
    'HTTP/1.1 200 O\x7fK',
    'HTTP/1.1 200OK',
  ];
  for (let n = 0; n < 4000; n++) {
    // a third start like a status line, a third like a request line
    let line = ['', 'HTTP/1.1 200', 'GET /'][n % 3]!;
    const k = 1 + rnd(6);
    for (let i = 0; i < k; i++) line += pieces[rnd(pieces.length)];
    lines.push(line);
  }
  for (const line of lines) {
    const r = req(`${line}\r\nHost: h\r\n\r\n`);
    const m = requestLine.exec(line);
    if (m) {
      assert.equal(r.kind, 'ok', JSON.stringify(line));
      const h = (r as { head: RequestHead }).head;
      assert.deepEqual([h.method, h.target, h.versionMinor], [m[1], m[2], Number(m[3])], JSON.stringify(line));
    } else {
      assert.equal(errStatus(r), 400, JSON.stringify(line));
    }
    const s = res(`${line}\r\n\r\n`);
    const sm = statusLine.exec(line);
    if (sm) {
      assert.equal(s.kind, 'ok', JSON.stringify(line));
      const h = (s as { head: ResponseHead }).head;
      assert.deepEqual([h.versionMinor, h.status, h.reason], [Number(sm[1]), Number(sm[2]), sm[3] ?? ''], JSON.stringify(line));
    } else {
      assert.equal(errStatus(s), 502, JSON.stringify(line));
    }
  }
});

test('absolute-form and authority-form targets that HAProxy accepts', () => {
  for (const [m, t, h] of [
    ['GET', 'http://a.example/p?q', 'a.example'],
    ['GET', 'http://A.Example/p', 'a.example'],
    ['GET', 'http://a.example:80/p', 'a.example'],
    ['GET', 'https://a.example/p', 'a.example:443'],
    ['GET', 'http://user@a.example/p', 'a.example'],
    ['GET', 'http://[::1]:80/', '[::1]'],
    ['CONNECT', 'a.example:443', 'a.example:443'],
    ['CONNECT', 'a.example:443', 'a.example'],
    ['OPTIONS', '*', 'x'],
  ] as const) {
    assert.equal(checkTarget(m, t, h), undefined, `${m} ${t} Host: ${h}`);
  }
  assert.equal(checkTarget('GET', 'https://a.example:80/', 'a.example'), 'host does not match the absolute-form authority', 'port 80 is not https default');
  assert.equal(okReq('GET http://a.example/x HTTP/1.0\r\n\r\n').target, 'http://a.example/x', 'HTTP/1.0 without Host');
});

test('bare LF and non-canonical Content-Length mark the head for normalising; canonical heads do not', () => {
  assert.equal(okReq('GET / HTTP/1.1\r\nHost: x\r\n\r\n').normalise, false);
  assert.equal(okReq('GET / HTTP/1.1\nHost: x\r\n\r\n').normalise, true, 'request line');
  assert.equal(okReq('GET / HTTP/1.1\r\nHost: x\n\r\n').normalise, true, 'field line');
  assert.equal(okReq('GET / HTTP/1.1\r\nHost: x\r\n\n').normalise, true, 'empty line');
  const cl = okReq('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n');
  assert.equal(cl.normalise, true);
  assert.equal(cl.contentLength, 5);
  assert.equal(okReq('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n').normalise, false);
  assert.equal(okReq('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n').normalise, false);
  assert.equal(errStatus(req('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\n')), 400, 'a list of different values');
  assert.equal(errStatus(res('HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n')), 502);
  assert.equal(okRes('HTTP/1.1 200 OK\nContent-Length: 0\n\n').normalise, true);
  assert.equal(okRes('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n').normalise, true);
  assert.equal(okRes('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').normalise, false);
});

test('a 101 is agreed only when the request offered an upgrade and the response accepts it (HAProxy)', () => {
  const r101 = okRes('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  const offered = okReq('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  assert.equal(upgradeAgreed(offered, r101), true);
  assert.equal(upgradeAgreed(okReq('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), r101), false, 'no upgrade asked');
  assert.equal(upgradeAgreed(okReq('GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\n\r\n'), r101), false, 'Connection: upgrade without Upgrade');
  assert.equal(upgradeAgreed(offered, okRes('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n')), false, 'response without Connection: upgrade');
});
