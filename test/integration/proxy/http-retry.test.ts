// http mode retries: a pooled connection closed by the server before any response byte is
// replayed on a fresh connection for idempotent requests, never for others; keep-alive timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { backend, frontend, scaled, server } from '../../helpers/proxy-fixtures.js';
import { httpGet, rawExchange, startTcpBackend } from '../../helpers/backends.js';
import { cleanup, startProxy } from '../../helpers/proxy-harness.js';

/** Answers the first request of each connection (keep-alive), closes on the second without answering. */
async function closesSecondRequest() {
  return startTcpBackend((s: net.Socket) => {
    let n = 0;
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      while (buf.includes('\r\n\r\n')) {
        const head = buf.slice(0, buf.indexOf('\r\n\r\n'));
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        const cl = /content-length: (\d+)/i.exec(head);
        if (cl) buf = buf.slice(Number(cl[1]));
        n++;
        if (n >= 2) {
          s.end();
          return;
        }
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      }
    });
  });
}

test('idempotent request on a pooled connection closed by the server is replayed transparently', async (t) => {
  const be = cleanup(t, await closesSecondRequest());
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('s', be.port)], { retries: 1 })]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  for (let i = 0; i < 4; i++) assert.equal((await httpGet(h.port(), '/', { agent })).status, 200, `request ${i}`);
  assert.equal(h.health.passiveReports.length, 0, 'a stale pooled connection is not a server failure');
});

test('a POST on a pooled connection closed before any response byte gets 502, not a replay', async (t) => {
  const be = cleanup(t, await closesSecondRequest());
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('s', be.port)], { retries: 1 })]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  assert.equal((await httpGet(h.port(), '/', { agent })).status, 200);
  assert.equal((await httpGet(h.port(), '/', { agent, method: 'POST', body: 'x=1' })).status, 502);
});

test('Expect: 100-continue — the interim response is relayed, then the final one', async (t) => {
  const be = cleanup(
    t,
    await startTcpBackend((s) => {
      let stage = 0;
      let body = '';
      s.on('data', (d) => {
        if (stage === 0) {
          stage = 1;
          s.write('HTTP/1.1 100 Continue\r\n\r\n');
          const rest = d.toString().split('\r\n\r\n')[1] ?? '';
          body += rest;
        } else body += d.toString();
        if (body.length >= 5) s.write(`HTTP/1.1 201 Created\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      });
    }),
  );
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('s', be.port)])]);
  const got = await new Promise<string>((resolve) => {
    const c = net.connect(h.port(), '127.0.0.1');
    let out = '';
    c.on('connect', () => c.write('PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n'));
    c.on('data', (d) => {
      out += d.toString();
      if (out.includes('100 Continue') && !out.includes('201')) c.write('hello');
      if (out.endsWith('hello')) {
        c.destroy();
        resolve(out);
      }
    });
  });
  assert.match(got, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 Created/);
});

test('timeout http-keep-alive closes an idle client connection between requests', async (t) => {
  const be = cleanup(t, await startTcpBackend((s) => s.on('data', () => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))));
  const h = await startProxy(t, [frontend('fe', 'be', { timeouts: { client: scaled(5000), httpRequest: scaled(5000), httpKeepAlive: scaled(200) } })], [backend('be', [server('s', be.port)])]);
  const t0 = performance.now();
  const got = await rawExchange(h.port(), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const dt = performance.now() - t0;
  assert.match(got, /ok$/);
  assert.ok(dt >= scaled(150) && dt < scaled(3000), `closed after ${dt} ms`);
});

test('a server answering early (413) and closing while the body still uploads: client gets the 413, clean close', async (t) => {
  const be = cleanup(
    t,
    await startTcpBackend((s) => {
      s.once('data', () => {
        s.end('HTTP/1.1 413 Payload Too Large\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbig!');
      });
    }),
  );
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('s', be.port)])]);
  const got = await new Promise<string>((resolve) => {
    const c = net.connect(h.port(), '127.0.0.1');
    let out = '';
    let iv: NodeJS.Timeout | undefined;
    c.on('connect', () => {
      c.write('POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n');
      iv = setInterval(() => c.write(Buffer.alloc(1000, 1)), 5);
    });
    c.on('data', (d) => (out += d.toString()));
    c.on('error', () => {});
    c.on('close', () => {
      clearInterval(iv);
      resolve(out);
    });
  });
  assert.match(got, /^HTTP\/1\.1 413/);
  assert.ok(got.endsWith('big!'));
  const l = await h.log.waitFor((x) => x.status === 413);
  assert.equal(l.termination, '--');
});
