// Pure protocol pieces of the checks: HTTP request/status verdicts, tcp-check expect
// matching, the forged TLS ClientHello and its reply verdict, the history ring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHttpCheckRequest, parseStatusLine, parseStatusRanges, statusMatches } from '../../../src/health/http-check-proto.js';
import { evalExpect, hexToBytes, type ExpectStep } from '../../../src/health/tcp-check-match.js';
import { buildClientHello, evalHelloReply } from '../../../src/health/ssl-hello.js';
import { TransitionHistory } from '../../../src/health/history.js';
import { checkResult } from '../../../src/health/check-status.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

test('http check request: method, uri, version; Host only when configured or HTTP/1.1', () => {
  assert.equal(
    buildHttpCheckRequest({ method: 'GET', uri: '/healthz', version: 'HTTP/1.1' }, '10.0.0.1:6443'),
    'GET /healthz HTTP/1.1\r\nHost: 10.0.0.1:6443\r\nUser-Agent: halb-health-check\r\nAccept: */*\r\nConnection: close\r\n\r\n',
  );
  assert.equal(buildHttpCheckRequest({ method: 'HEAD', uri: '/', version: 'HTTP/1.0' }, 'x'), 'HEAD / HTTP/1.0\r\nUser-Agent: halb-health-check\r\nAccept: */*\r\nConnection: close\r\n\r\n');
  assert.match(buildHttpCheckRequest({ method: 'GET', uri: '/', version: 'HTTP/1.0', host: 'api.example' }, 'x'), /\r\nHost: api\.example\r\n/);
});

test('status line parsing', () => {
  assert.deepEqual(parseStatusLine('HTTP/1.1 200 OK\r\n', false), { kind: 'status', code: 200, text: 'OK' });
  assert.deepEqual(parseStatusLine('HTTP/1.0 503\r\n', false), { kind: 'status', code: 503, text: '' });
  assert.deepEqual(parseStatusLine('HTTP/1.1 20', false), { kind: 'need-more' });
  assert.equal(parseStatusLine('HTTP/1.1 20', true).kind, 'invalid');
  assert.equal(parseStatusLine('SSH-2.0-OpenSSH\r\n', false).kind, 'invalid');
  assert.equal(parseStatusLine('x'.repeat(9000), false).kind, 'invalid');
});

test('expected status: default 2xx/3xx, lists, ranges, rstatus, negation', () => {
  assert.deepEqual(
    [199, 200, 302, 399, 400, 500].map((c) => statusMatches(c, undefined)),
    [false, true, true, true, false, false],
  );
  const st = (value: string, negate = false) => ({ kind: 'status' as const, value, negate });
  assert.equal(statusMatches(204, st('200')), false);
  assert.equal(statusMatches(200, st('200')), true);
  assert.equal(statusMatches(250, st('200-299')), true);
  assert.equal(statusMatches(404, st('200,204,400-404')), true);
  assert.equal(statusMatches(405, st('200,204,400-404')), false);
  assert.equal(statusMatches(500, st('500', true)), false);
  assert.equal(statusMatches(200, st('500', true)), true);
  assert.equal(statusMatches(200, st('bogus')), false);
  const rs = (value: string, negate = false) => ({ kind: 'rstatus' as const, value, negate });
  assert.equal(statusMatches(201, rs('^2')), true);
  assert.equal(statusMatches(301, rs('^2')), false);
  assert.equal(statusMatches(301, rs('^2', true)), true);
  assert.equal(statusMatches(200, rs('(')), false);
  assert.deepEqual(parseStatusRanges('200, 300-399'), [
    [200, 200],
    [300, 399],
  ]);
  assert.equal(parseStatusRanges('399-300'), undefined);
});

test('tcp-check expect: string, rstring, binary, negate; waits for more data until close', () => {
  const s = (match: ExpectStep['match'], pattern: string, negate = false): ExpectStep => ({ kind: 'expect', match, pattern, negate });
  assert.equal(evalExpect(s('string', '+PONG'), enc('+PO'), false), 'need-more');
  assert.equal(evalExpect(s('string', '+PONG'), enc('+PONG\r\n'), false), 'pass');
  assert.equal(evalExpect(s('string', '+PONG'), enc('-ERR'), true), 'fail');
  assert.equal(evalExpect(s('rstring', '^role:master'), enc('role:master\r\n'), false), 'pass');
  assert.equal(evalExpect(s('rstring', '^role:master'), enc('role:slave\r\n'), true), 'fail');
  assert.equal(evalExpect(s('binary', '0d0a'), enc('a\r\n'), false), 'pass');
  assert.equal(evalExpect(s('binary', 'ff'), enc('a'), true), 'fail');
  assert.equal(evalExpect(s('string', 'ERR', true), enc('OK'), false), 'need-more');
  assert.equal(evalExpect(s('string', 'ERR', true), enc('OK'), true), 'pass');
  assert.equal(evalExpect(s('string', 'ERR', true), enc('ERR'), false), 'fail');
  assert.deepEqual(hexToBytes('0a ff'), Uint8Array.from([10, 255]));
  assert.equal(hexToBytes('abc'), undefined);
  assert.equal(hexToBytes('zz'), undefined);
});

test('ClientHello is a well-formed TLS 1.2 handshake record', () => {
  const random = new Uint8Array(32).fill(7);
  const h = buildClientHello(random);
  assert.deepEqual([...h.slice(0, 3)], [0x16, 0x03, 0x01]);
  const recLen = (h[3]! << 8) | h[4]!;
  assert.equal(recLen, h.length - 5);
  assert.equal(h[5], 1); // ClientHello
  const hsLen = (h[6]! << 16) | (h[7]! << 8) | h[8]!;
  assert.equal(hsLen, recLen - 4);
  assert.deepEqual([...h.slice(9, 11)], [3, 3]);
  assert.deepEqual([...h.slice(11, 43)], [...random]);
  assert.throws(() => buildClientHello(new Uint8Array(3)));
});

test('hello reply verdicts', () => {
  assert.deepEqual(evalHelloReply(Uint8Array.from([0x16, 3, 3, 0, 10, 2]), false), { kind: 'pass', detail: 'ServerHello' });
  assert.deepEqual(evalHelloReply(Uint8Array.from([0x15, 3, 3, 0, 2]), false), { kind: 'pass', detail: 'TLS alert' });
  assert.equal(evalHelloReply(Uint8Array.from([0x16, 3]), false).kind, 'need-more');
  assert.equal(evalHelloReply(Uint8Array.from([0x16, 3, 3, 0, 10]), false).kind, 'need-more');
  assert.equal(evalHelloReply(enc('HTTP/1.1 400 Bad Request\r\n'), false).kind, 'fail');
  assert.equal(evalHelloReply(new Uint8Array(0), true).kind, 'fail');
  assert.equal(evalHelloReply(Uint8Array.from([0x16, 3, 3, 0, 10, 11]), false).kind, 'fail');
});

test('history keeps the newest N transitions, oldest first', () => {
  const h = new TransitionHistory(3);
  for (let i = 0; i < 5; i++) h.push({ backend: 'b', server: 's', from: 'UP', to: 'DOWN', reason: String(i), at: i });
  assert.deepEqual(
    h.list().map((t) => t.reason),
    ['2', '3', '4'],
  );
  const empty = new TransitionHistory(0);
  empty.push({ backend: 'b', server: 's', from: 'UP', to: 'DOWN', reason: 'x', at: 0 });
  assert.deepEqual(empty.list(), []);
});

test('check results carry HAProxy wording and ok only for *OK statuses', () => {
  assert.deepEqual(checkResult('L7STS', 3.4, { code: 500 }), { ok: false, status: 'L7STS', reason: 'Layer7 wrong status', durationMs: 3, code: 500 });
  assert.equal(checkResult('L4OK', 0).ok, true);
  assert.equal(checkResult('L6OK', 0).ok, true);
  assert.equal(checkResult('L4TOUT', 0).reason, 'Layer4 timeout');
});
