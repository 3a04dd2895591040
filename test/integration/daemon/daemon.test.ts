// The composition root: a good reload changes where traffic goes, a bad reload is rejected
// with its diagnostics while the running config keeps serving, and a busy port is an error
// naming the bind line. Real sockets on 127.0.0.1, ports from the OS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import http from 'node:http';
import { captureLogger } from '../../helpers/log-capture.js';
import { Daemon } from '../../../src/daemon/daemon.js';
import { ConfigError, type Diagnostic } from '../../../src/config/diagnostics.js';
import type { HalbConfig } from '../../../src/config/model.js';
import { startDemoBackend } from '../../../src/demo/backends.js';
import { freePort } from '../../helpers/backends.js';

function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

function haproxyCfg(port: number, serverPort: number, extra = ''): string {
  return `defaults\n  mode http\n  timeout connect 2s\n  timeout client 10s\n  timeout server 10s\n\nfrontend web\n  bind 127.0.0.1:${port}\n  default_backend app\n\nbackend app\n  server s1 127.0.0.1:${serverPort}\n${extra}`;
}

test('reload: a good config moves traffic, a bad one is rejected and the old config keeps serving', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-daemon-'));
  const a = await startDemoBackend('alpha', 0);
  const b = await startDemoBackend('beta', 0);
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyCfg(port, a.port));
  const { logger, lines } = captureLogger();
  const d = new Daemon({ sources: { haproxy: cfg }, logger });
  t.after(async () => {
    await d.stop();
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await d.start();
  assert.match((await get(port)).body, /hello from alpha/);

  writeFileSync(cfg, haproxyCfg(port, b.port));
  assert.equal(await d.reload(), true);
  assert.match((await get(port)).body, /hello from beta/);

  // Bad: an unknown balance algorithm; the diagnostics name file and line, traffic unchanged.
  writeFileSync(cfg, haproxyCfg(port, a.port, '  balance roundrobn\n'));
  assert.equal(await d.reload(), false);
  const rejected = lines.find((l) => l.event === 'reload_rejected');
  assert.ok(rejected, 'reload_rejected logged');
  assert.match(JSON.stringify(rejected.diagnostics), new RegExp(`haproxy.cfg:13:.*balance`));
  assert.match((await get(port)).body, /hello from beta/);
});

test('the node checks (preflight) refuse a start, and a reload, before any service changes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-daemon-'));
  const a = await startDemoBackend('alpha', 0);
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyCfg(port, a.port));
  const { logger, lines } = captureLogger();
  // Stands in for src/config/node-checks.ts: refuses any config with a server on port 9.
  const preflight = (c: HalbConfig): Diagnostic[] =>
    c.backends.flatMap((b) =>
      b.servers.filter((s) => s.port === 9).map((s) => ({ severity: 'error' as const, file: s.pos!.file, line: s.pos!.line, message: `server ${s.name} refused by the node check` })),
    );
  const d = new Daemon({ sources: { haproxy: cfg }, logger, preflight });
  t.after(async () => {
    await d.stop();
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await d.start();
  writeFileSync(cfg, haproxyCfg(port, 9));
  assert.equal(await d.reload(), false);
  const rejected = lines.find((l) => l.event === 'reload_rejected');
  assert.match(JSON.stringify(rejected?.diagnostics), /haproxy\.cfg:12: error: server s1 refused by the node check/);
  assert.match((await get(port)).body, /hello from alpha/);

  const port2 = await freePort();
  writeFileSync(cfg, haproxyCfg(port2, 9));
  const d2 = new Daemon({ sources: { haproxy: cfg }, logger, preflight });
  await assert.rejects(d2.start(), (e: unknown) => e instanceof ConfigError && /refused by the node check/.test(e.message));
  assert.equal(d2.lbService, undefined);
  await assert.rejects(get(port2), /ECONNREFUSED/);
});

test('a port already in use fails start with the bind line, and nothing keeps running', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-daemon-'));
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as net.AddressInfo).port;
  t.after(() => {
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyCfg(port, 9));
  const d = new Daemon({ sources: { haproxy: cfg }, logger: captureLogger().logger });
  await assert.rejects(d.start(), (err: Error) => {
    assert.match(err.message, /haproxy\.cfg:8: bind 127\.0\.0\.1:\d+ \(frontend web\): address already in use/);
    return true;
  });
  await d.stop();
});

test('a malformed config never starts: every error is reported with its position', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-daemon-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = join(dir, 'haproxy.cfg');
  const port = await freePort();
  writeFileSync(cfg, haproxyCfg(port, 9, '  balance roundrobn\n  timeout server 10parsecs\n'));
  const d = new Daemon({ sources: { haproxy: cfg }, logger: captureLogger().logger });
  await assert.rejects(d.start(), (err: Error) => {
    assert.match(err.message, /haproxy\.cfg:13:/);
    assert.match(err.message, /haproxy\.cfg:14:/);
    return true;
  });
  // Nothing listens on the port.
  await assert.rejects(get(port));
});

test('reload: a daemon started without frontends gains a load balancer, as at boot', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-daemon-'));
  const a = await startDemoBackend('alpha', 0);
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, `defaults\n  mode http\n  timeout connect 2s\n  timeout client 10s\n  timeout server 10s\n\nbackend app\n  server s1 127.0.0.1:${a.port}\n`);
  const { logger } = captureLogger();
  const d = new Daemon({ sources: { haproxy: cfg }, logger });
  t.after(async () => {
    await d.stop();
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await d.start();
  assert.equal(d.lbService, undefined);
  await assert.rejects(get(port));

  writeFileSync(cfg, haproxyCfg(port, a.port));
  assert.equal(await d.reload(), true);
  assert.ok(d.lbService, 'load balancer started on reload');
  assert.match((await get(port)).body, /hello from alpha/);
});

// A SIGTERM while a SIGHUP's reload is still starting a service: the stop waits for the reload,
// so what it started (here the stats listener) is stopped too instead of outliving the daemon.
test('stop during a reload that starts a stats listener stops that listener too', { timeout: 20_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-daemon-'));
  const a = await startDemoBackend('alpha', 0);
  const port = await freePort();
  const statsPort = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyCfg(port, a.port));
  const { logger } = captureLogger();
  const d = new Daemon({ sources: { haproxy: cfg }, logger });
  t.after(async () => {
    await d.stop();
    await d.adminService?.stop(); // what a stop that did not wait would leave behind
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await d.start();
  writeFileSync(cfg, haproxyCfg(port, a.port, `\nlisten stats\n  bind 127.0.0.1:${statsPort}\n  stats enable\n  stats uri /stats\n`));
  const reloaded = d.reload();
  await d.stop();
  assert.equal(await reloaded, true);
  await assert.rejects(
    new Promise<void>((resolve, reject) => {
      const s = net.connect(statsPort, '127.0.0.1', () => {
        s.destroy();
        resolve();
      });
      s.on('error', reject);
    }),
    /ECONNREFUSED/,
    'nothing listens on the stats port after the stop',
  );
});

test('a VRRP start failure stops the stats page and the proxy started before it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-daemon-'));
  const port = await freePort();
  const statsPort = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  const kc = join(dir, 'keepalived.conf');
  writeFileSync(cfg, haproxyCfg(port, 9, `\nlisten stats\n  bind 127.0.0.1:${statsPort}\n  stats enable\n  stats uri /stats\n`));
  // No such interface (and, without root, no raw socket): the VRRP socket cannot be opened.
  writeFileSync(kc, 'vrrp_instance VI_1 {\n  interface halbnoif0\n  virtual_router_id 51\n  priority 100\n  virtual_ipaddress {\n    192.0.2.10/32\n  }\n}\n');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { logger } = captureLogger();
  const d = new Daemon({ sources: { haproxy: cfg, keepalived: kc }, logger, runDir: join(dir, 'run'), handoverForward: false });
  await assert.rejects(d.start());
  for (const p of [port, statsPort]) {
    await assert.rejects(
      new Promise<void>((resolve, reject) => {
        const s = net.connect(p, '127.0.0.1', () => {
          s.destroy();
          resolve();
        });
        s.on('error', reject);
      }),
      /ECONNREFUSED/,
      `port ${p} closed`,
    );
  }
  await d.stop();
});
