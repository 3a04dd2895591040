// Every check type against real servers on 127.0.0.1, passing and failing with
// HAProxy's reason wording. Timeouts are small and scaled by HALB_TEST_TIMESCALE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthCheckSpec } from '../../../src/config/model.js';
import { runCheck, type CheckTarget } from '../../../src/health/checkers.js';
import { checkTiming } from '../../../src/health/rise-fall.js';
import type { CheckResult } from '../../../src/health/check-status.js';
import { blackholePort, closedPort, httpServer, httpsServer, makeSelfSigned, tcpServer, tlsServer } from '../../helpers/health/servers.js';
import { ms } from '../../helpers/health/model.js';

const INTER = ms(300);
const tcp: HealthCheckSpec = { type: 'tcp' };
const http11: HealthCheckSpec = { type: 'http', method: 'GET', uri: '/healthz', version: 'HTTP/1.1' };

function target(port: number, o: Partial<CheckTarget> = {}): CheckTarget {
  return { host: '127.0.0.1', port, ssl: false, rejectUnauthorized: false, ...o };
}

function check(spec: HealthCheckSpec, t: CheckTarget, timing = checkTiming(INTER), signal?: AbortSignal): Promise<CheckResult> {
  return runCheck(spec, t, { timing, ...(signal ? { signal } : {}) });
}

const tlsMat = makeSelfSigned();
const noTls = tlsMat ? false : 'openssl CLI not available';

test('tcp: listening -> Layer4 check passed; refused -> Layer4 connection problem', async (t) => {
  const srv = await tcpServer((s) => s.end());
  t.after(() => srv.close());
  const ok = await check(tcp, target(srv.port));
  assert.equal(ok.ok, true);
  assert.equal(ok.reason, 'Layer4 check passed');
  const bad = await check(tcp, target(await closedPort()));
  assert.equal(bad.ok, false);
  assert.equal(bad.reason, 'Layer4 connection problem');
  assert.equal(bad.detail, 'Connection refused');
});

test('tcp: a connect that never completes -> Layer4 timeout within the connect budget', async (t) => {
  const bh = await blackholePort();
  if (!bh) return t.skip('python3 not available for the backlog black hole');
  t.after(() => bh.close());
  const t0 = performance.now();
  const r = await check(tcp, target(bh.port), checkTiming(ms(200)));
  const took = performance.now() - t0;
  assert.equal(r.reason, 'Layer4 timeout');
  assert.ok(took >= ms(190) && took < ms(200) + ms(500), `took ${took}`);
});

test('http: default expect accepts 2xx/3xx, 500 is Layer7 wrong status with code', async (t) => {
  let status = 200;
  const srv = await httpServer(() => status);
  t.after(() => srv.close());
  let r = await check(http11, target(srv.port));
  assert.deepEqual([r.ok, r.reason, r.code], [true, 'Layer7 check passed', 200]);
  assert.equal(srv.requests.at(-1)?.url, '/healthz');
  assert.equal(srv.requests.at(-1)?.headers.host, `127.0.0.1:${srv.port}`);
  status = 302;
  r = await check(http11, target(srv.port));
  assert.equal(r.ok, true);
  status = 500;
  r = await check(http11, target(srv.port));
  assert.deepEqual([r.ok, r.reason, r.code], [false, 'Layer7 wrong status', 500]);
});

test('http: method, Host header, status list/range, rstatus, negation', async (t) => {
  let status = 404;
  const srv = await httpServer(() => status);
  t.after(() => srv.close());
  const spec = (expect?: { negate: boolean; kind: 'status' | 'rstatus'; value: string }): HealthCheckSpec => ({
    type: 'http',
    method: 'HEAD',
    uri: '/ready',
    version: 'HTTP/1.0',
    host: 'api.internal',
    ...(expect ? { expect } : {}),
  });
  let r = await check(spec({ negate: false, kind: 'status', value: '200,404' }), target(srv.port));
  assert.equal(r.ok, true);
  assert.equal(srv.requests.at(-1)?.method, 'HEAD');
  assert.equal(srv.requests.at(-1)?.headers.host, 'api.internal');
  r = await check(spec({ negate: false, kind: 'status', value: '200-299' }), target(srv.port));
  assert.deepEqual([r.ok, r.reason, r.code], [false, 'Layer7 wrong status', 404]);
  r = await check(spec({ negate: true, kind: 'status', value: '500-599' }), target(srv.port));
  assert.equal(r.ok, true);
  r = await check(spec({ negate: false, kind: 'rstatus', value: '^4' }), target(srv.port));
  assert.equal(r.ok, true);
  status = 503;
  r = await check(spec({ negate: true, kind: 'rstatus', value: '^5' }), target(srv.port));
  assert.deepEqual([r.ok, r.code], [false, 503]);
});

test('http: hanging server -> Layer7 timeout; with timeout check, connect ok then read timeout', async (t) => {
  const srv = await tcpServer(() => {});
  t.after(() => srv.close());
  let t0 = performance.now();
  let r = await check(http11, target(srv.port), checkTiming(ms(200)));
  assert.equal(r.reason, 'Layer7 timeout');
  assert.ok(performance.now() - t0 >= ms(190));
  t0 = performance.now();
  r = await check(http11, target(srv.port), checkTiming(ms(5000), ms(150)));
  const took = performance.now() - t0;
  assert.equal(r.reason, 'Layer7 timeout');
  assert.ok(took >= ms(140) && took < ms(1500), `timeout check bounds the read: took ${took}`);
});

test('http: reset, garbage and early close are Layer7 invalid response, never a crash', async (t) => {
  const reset = await tcpServer((s) => s.once('data', () => s.resetAndDestroy()));
  const garbage = await tcpServer((s) => s.once('data', () => s.end('SSH-2.0-OpenSSH_9.2\r\n')));
  const early = await tcpServer((s) => s.end());
  const refused = await closedPort();
  t.after(() => Promise.all([reset.close(), garbage.close(), early.close()]));
  const a = await check(http11, target(reset.port));
  assert.equal(a.reason, 'Layer7 invalid response');
  assert.equal(a.detail, 'Connection reset by peer');
  const b = await check(http11, target(garbage.port));
  assert.equal(b.reason, 'Layer7 invalid response');
  assert.match(b.detail ?? '', /invalid HTTP status line 'SSH-2.0/);
  const c = await check(http11, target(early.port));
  assert.equal(c.reason, 'Layer7 invalid response');
  const d = await check(http11, target(refused));
  assert.equal(d.reason, 'Layer4 connection problem');
});

test('https (check-ssl, verify none) against a self-signed server; verify required fails at Layer6', { skip: noTls }, async (t) => {
  const srv = await httpsServer(tlsMat!, () => 200);
  const plain = await httpServer();
  t.after(() => Promise.all([srv.close(), plain.close()]));
  let r = await check(http11, target(srv.port, { ssl: true }));
  assert.deepEqual([r.ok, r.reason, r.code], [true, 'Layer7 check passed', 200]);
  assert.equal(srv.snis.at(-1), false, 'no SNI for an IP literal');
  r = await check(http11, target(srv.port, { ssl: true, servername: 'api.internal' }));
  assert.equal(r.ok, true);
  assert.equal(srv.snis.at(-1), 'api.internal');
  r = await check(http11, target(srv.port, { ssl: true, rejectUnauthorized: true }));
  assert.equal(r.reason, 'Layer6 invalid response');
  assert.match(r.detail ?? '', /self[- ]signed/i);
  r = await check(http11, target(plain.port, { ssl: true }));
  assert.equal(r.ok, false);
  assert.equal(r.reason, 'Layer6 invalid response');
  r = await check(tcp, target(srv.port, { ssl: true }));
  assert.deepEqual([r.ok, r.reason], [true, 'Layer6 check passed']);
});

test('https: a server that never finishes the handshake -> Layer6 timeout', async (t) => {
  const srv = await tcpServer(() => {});
  t.after(() => srv.close());
  const r = await check(http11, target(srv.port, { ssl: true }), checkTiming(ms(200)));
  assert.equal(r.reason, 'Layer6 timeout');
});

test('ssl-hello-chk: a real TLS server passes, plain HTTP fails, silence times out', { skip: noTls }, async (t) => {
  const tlsSrv = await tlsServer(tlsMat!);
  const plain = await httpServer();
  const silent = await tcpServer(() => {});
  t.after(() => Promise.all([tlsSrv.close(), plain.close(), silent.close()]));
  const spec: HealthCheckSpec = { type: 'ssl-hello' };
  let r = await check(spec, target(tlsSrv.port));
  assert.deepEqual([r.ok, r.reason, r.detail], [true, 'Layer6 check passed', 'ServerHello']);
  r = await check(spec, target(plain.port));
  assert.deepEqual([r.ok, r.reason], [false, 'Layer6 invalid response']);
  r = await check(spec, target(silent.port), checkTiming(ms(200)));
  assert.equal(r.reason, 'Layer6 timeout');
});

test('tcp-check: send/expect string, rstring, binary, negation, port override, ssl connect', async (t) => {
  // A tiny redis-like server: answers PING with +PONG, INFO with role:master.
  const redis = await tcpServer((s) =>
    s.on('data', (d) => {
      const cmd = d.toString();
      if (cmd.startsWith('PING')) s.write('+PONG\r\n');
      else if (cmd.startsWith('INFO')) s.write('# Replication\r\nrole:master\r\n');
      else if (cmd.startsWith('QUIT')) s.end('+OK\r\n');
      else s.write('-ERR unknown\r\n');
    }),
  );
  t.after(() => redis.close());
  const steps = (...s: Extract<HealthCheckSpec, { type: 'tcp-check' }>['steps']): HealthCheckSpec => ({ type: 'tcp-check', steps: s });
  const expect = (match: 'string' | 'rstring' | 'binary', pattern: string, negate = false) => ({ kind: 'expect' as const, match, pattern, negate });
  const send = (data: string) => ({ kind: 'send' as const, data });

  let r = await check(
    steps(send('PING\r\n'), expect('string', '+PONG'), send('INFO replication\r\n'), expect('rstring', 'role:master'), send('QUIT\r\n'), expect('string', '+OK')),
    target(redis.port),
  );
  assert.deepEqual([r.ok, r.reason], [true, 'Layer7 check passed']);
  r = await check(steps({ kind: 'send-binary', hex: '50494e470d0a' }, expect('binary', '2b504f4e47')), target(redis.port));
  assert.equal(r.ok, true);
  r = await check(steps(send('FOO\r\n'), expect('string', '+PONG')), target(redis.port), checkTiming(ms(200)));
  assert.deepEqual([r.ok, r.reason], [false, 'Layer7 timeout'], 'mismatch waits for more data until timeout');
  r = await check(steps(send('QUIT\r\n'), expect('string', '-ERR')), target(redis.port));
  assert.deepEqual([r.ok, r.reason], [false, 'Layer7 invalid response']);
  assert.equal(r.detail, "TCPCHK did not match content '-ERR' at step 2");
  r = await check(steps(send('QUIT\r\n'), expect('string', '-ERR', true)), target(redis.port));
  assert.equal(r.ok, true, 'negated expect passes when the server closed without sending it');
  r = await check(steps(send('BAD\r\n'), expect('string', '-ERR', true)), target(redis.port));
  assert.equal(r.ok, false);
  // connect port override: the target port is closed, the step names the real one.
  const closed = await closedPort();
  r = await check(steps({ kind: 'connect', port: redis.port, ssl: false }, send('PING\r\n'), expect('string', '+PONG')), target(closed));
  assert.equal(r.ok, true);
  r = await check(steps({ kind: 'connect', ssl: false }), target(closed));
  assert.equal(r.reason, 'Layer4 connection problem');
  assert.equal(r.detail, 'Connection refused at step 1 of tcp-check (connect)');
  r = await check(steps(send('PING\r\n')), target(closed));
  assert.equal(r.detail, 'Connection refused at initial connection step of tcp-check');
  if (tlsMat) {
    const tlsEcho = await tlsServer(tlsMat, (s) => s.on('data', (d) => s.write(d)));
    t.after(() => tlsEcho.close());
    r = await check(steps({ kind: 'connect', ssl: true }, send('hello'), expect('string', 'hello')), target(tlsEcho.port));
    assert.equal(r.ok, true);
  }
});

test('abort: an in-flight check stops at once when its signal fires', async (t) => {
  const srv = await tcpServer(() => {});
  t.after(() => srv.close());
  const ac = new AbortController();
  const t0 = performance.now();
  const p = check(http11, target(srv.port), checkTiming(ms(5000)), ac.signal);
  setTimeout(() => ac.abort(), 20);
  const r = await p;
  assert.equal(r.status, 'ABORTED');
  assert.ok(performance.now() - t0 < ms(1000));
});

test('resetting servers fail every check type with a reason, never an exception', async (t) => {
  const onConnect = await tcpServer((s) => s.resetAndDestroy());
  const onData = await tcpServer((s) => s.once('data', () => s.resetAndDestroy()));
  t.after(() => Promise.all([onConnect.close(), onData.close()]));
  const specs: HealthCheckSpec[] = [
    http11,
    { type: 'ssl-hello' },
    {
      type: 'tcp-check',
      steps: [
        { kind: 'send', data: 'PING\r\n' },
        { kind: 'expect', match: 'string', pattern: '+PONG', negate: false },
      ],
    },
  ];
  for (const spec of specs) {
    for (const srv of [onConnect, onData]) {
      const r = await check(spec, target(srv.port));
      assert.equal(r.ok, false, `${spec.type} against a resetting server`);
      assert.match(r.reason, /^Layer[467] /, `${spec.type}: ${r.reason}`);
    }
  }
  // TLS handshake reset.
  const r = await check(http11, target(onData.port, { ssl: true }));
  assert.equal(r.reason, 'Layer6 invalid response');
});
