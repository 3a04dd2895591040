// http mode, hostile or loose framing that HAProxy refuses or rewrites: the server behind the
// proxy must never see the loose form, the client gets HAProxy's status, the access line the
// right termination code. The backend is a raw TCP server that records every byte it receives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { backend, frontend, server } from '../../helpers/proxy-fixtures.js';
import { rawExchange, startTcpBackend } from '../../helpers/backends.js';
import { cleanup, startProxy, type Harness } from '../../helpers/proxy-harness.js';
import type { TestContext } from 'node:test';

const statusOf = (s: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(s)?.[1] ?? 0);

interface Recorder {
  /** Everything the backend received, all connections, in order. */
  readonly got: () => string;
}

/**
 * Raw backend: records bytes; once what a connection received satisfies `complete`, answers
 * `answer` on it (once per connection).
 */
async function recordingSetup(t: TestContext, answer: string, complete: (got: string) => boolean = (g) => g.includes('\r\n\r\n')): Promise<{ h: Harness; rec: Recorder }> {
  let all = '';
  const b = cleanup(
    t,
    await startTcpBackend((s: net.Socket) => {
      let mine = '';
      let answered = false;
      s.on('data', (d) => {
        const x = d.toString('latin1');
        all += x;
        mine += x;
        if (!answered && complete(mine)) {
          answered = true;
          s.write(answer);
        }
      });
    }),
  );
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', b.port)])]);
  return { h, rec: { got: () => all } };
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const untilOk = (g: string): boolean => g.endsWith('ok');

test('a bare-LF request head reaches the server with CRLF line ends', async (t) => {
  const { h, rec } = await recordingSetup(t, OK);
  const got = await rawExchange(h.port(), 'GET /lf HTTP/1.1\nHost: x\nX-A: 1\n\n', { until: untilOk });
  assert.equal(statusOf(got), 200);
  assert.equal(rec.got(), 'GET /lf HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n');
  const l = await h.log.waitFor((x) => x.status === 200);
  assert.equal(l.termination, '--');
});

test('Content-Length: 5, 5 reaches the server as one Content-Length: 5; 5, 6 is refused with 400', async (t) => {
  const { h, rec } = await recordingSetup(t, OK, (g) => g.endsWith('hello'));
  const got = await rawExchange(h.port(), 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello', { until: untilOk });
  assert.equal(statusOf(got), 200);
  assert.equal(rec.got(), 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello');
  const bad = await rawExchange(h.port(), 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello');
  assert.equal(statusOf(bad), 400);
  const l = await h.log.waitFor((x) => x.status === 400);
  assert.equal(l.termination, 'PR');
  assert.equal(rec.got(), 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello', 'the refused request never reached the server');
});

test('a chunk-size line `3 junk` is refused with 400 and the chunk line never reaches the server', async (t) => {
  const { h, rec } = await recordingSetup(t, OK, (g) => g.endsWith('0\r\n\r\n'));
  const head = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
  const got = await rawExchange(h.port(), head + '3 junk\r\nabc\r\n0\r\n\r\n');
  assert.equal(statusOf(got), 400);
  const l = await h.log.waitFor((x) => x.status === 400);
  assert.equal(l.termination, 'PD');
  assert.ok(!rec.got().includes('junk'), `server saw ${JSON.stringify(rec.got())}`);
  assert.ok(!rec.got().includes('0\r\n\r\n'), 'no end of body reached the server: it never ran a complete request');
  assert.equal(h.proxy.stats().frontends[0]!.errReq, 1);
});

test('a response chunk-size line `3 junk` is not forwarded: the response is cut, logged PD', async (t) => {
  const { h } = await recordingSetup(t, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3 junk\r\nabc\r\n0\r\n\r\n');
  const got = await rawExchange(h.port(), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.ok(!got.includes('junk'), `client saw ${JSON.stringify(got)}`);
  const l = await h.log.waitFor((x) => x.termination === 'PD');
  assert.equal(l.status, 200);
  assert.equal(h.proxy.stats().backends[0]!.errResp, 1);
});

test('a bare-LF response head with Content-Length: 2, 2 reaches the client in canonical form', async (t) => {
  const { h } = await recordingSetup(t, 'HTTP/1.1 200 OK\nContent-Length: 2, 2\nX-B: 1\n\nok');
  const got = await rawExchange(h.port(), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { until: untilOk });
  assert.equal(got, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-B: 1\r\n\r\nok');
});

test('a 101 to a request that asked for no upgrade is a 502 (PH), never a tunnel', async (t) => {
  const r101 = 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nTUNNEL';
  const { h } = await recordingSetup(t, r101);
  for (const req of ['GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\n\r\n']) {
    const got = await rawExchange(h.port(), req);
    assert.equal(statusOf(got), 502, JSON.stringify(req));
    assert.ok(!got.includes('TUNNEL'));
  }
  const l = await h.log.waitFor((x) => x.status === 502);
  assert.equal(l.termination, 'PH');
});

test('an absolute-form URI whose authority differs from Host is refused with 400 (PR); a matching one passes', async (t) => {
  const { h, rec } = await recordingSetup(t, OK);
  const bad = await rawExchange(h.port(), 'GET http://internal.example/admin HTTP/1.1\r\nHost: public.example\r\n\r\n');
  assert.equal(statusOf(bad), 400);
  const l = await h.log.waitFor((x) => x.status === 400);
  assert.equal(l.termination, 'PR');
  assert.equal(rec.got(), '', 'nothing reached the server');
  const good = await rawExchange(h.port(), 'GET http://public.example:80/ HTTP/1.1\r\nHost: public.example\r\n\r\n', { until: untilOk });
  assert.equal(statusOf(good), 200);
  assert.equal(rec.got(), 'GET http://public.example:80/ HTTP/1.1\r\nHost: public.example\r\n\r\n');
});
