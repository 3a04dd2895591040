// The admin listener of a real daemon started from a haproxy.cfg with `listen stats`:
// the metrics scrape parses and moves with traffic, a server made DOWN by its health check
// shows in both the JSON document and the metrics, `stats auth` is enforced, unknown paths
// are 404, and a busy stats port fails start naming the stats bind line.
// Real sockets on 127.0.0.1, ports from the OS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import http from 'node:http';
import { pino } from 'pino';
import { Daemon } from '../../../src/daemon/daemon.js';
import { startDemoBackend, type DemoBackend } from '../../../src/demo/backends.js';
import { freePort } from '../../helpers/backends.js';
import type { StatusDocument } from '../../../src/admin/status.js';

const SCALE = Number(process.env.HALB_TEST_TIMESCALE ?? '1') || 1;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000 * SCALE, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

const AUTH = { authorization: `Basic ${Buffer.from('ops:s3cret:x').toString('base64')}` };

/** Prometheus text exposition: `name{labels} value` lines; returns the value of one series. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name + '{')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$/.exec(line);
    assert.ok(m, `unparseable sample line: ${line}`);
    if (m[1] !== name) continue;
    const got = Object.fromEntries([...m[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** Every non-comment line is a well-formed sample; every metric has HELP and TYPE. */
function assertWellFormed(text: string): void {
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const t = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (t) {
      typed.add(t[1]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line);
    assert.ok(m, `bad exposition line: ${line}`);
    assert.ok(typed.has(m[1]!), `sample before its TYPE: ${line}`);
    assert.match(m[1]!, /^halb_/);
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 5000 * SCALE): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function cfgText(fePort: number, statsPort: number, a: DemoBackend, b: DemoBackend, auth: boolean): string {
  return [
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 10s',
    '  timeout server 10s',
    '',
    'frontend web',
    `  bind 127.0.0.1:${fePort}`,
    '  default_backend app',
    '',
    'backend app',
    '  option httpchk GET /healthz',
    // Checks get a whole second (inter bounds connect and, with timeout check, the answer gets 5 s):
    // with inter 100 a busy machine's stalled event loop failed them, and fall 1 took s1 down.
    '  timeout check 5s',
    `  server s1 127.0.0.1:${a.port} check inter 1s fall 1 rise 1 weight 7`,
    `  server s2 127.0.0.1:${b.port} check inter 1s fall 1 rise 1 backup`,
    '',
    'listen stats',
    `  bind 127.0.0.1:${statsPort}`,
    '  stats enable',
    '  stats uri /stats',
    ...(auth ? ['  stats auth ops:s3cret:x'] : []),
    '  stats refresh 5s',
    '',
  ].join('\n');
}

async function startDaemon(t: { after: (fn: () => Promise<void>) => void }, auth: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'halb-admin-'));
  const a = await startDemoBackend('alpha', 0);
  const b = await startDemoBackend('beta', 0);
  const fePort = await freePort();
  const statsPort = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, cfgText(fePort, statsPort, a, b, auth));
  const d = new Daemon({ sources: { haproxy: cfg }, logger: pino({ level: 'silent' }) });
  t.after(async () => {
    await d.stop();
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await d.start();
  assert.deepEqual(d.adminService?.addresses(), [[{ address: '127.0.0.1', port: statsPort }]]);
  return { d, a, b, fePort, statsPort, dir, cfg };
}

test('metrics and JSON status follow traffic and a server going DOWN', async (t) => {
  const { a, fePort, statsPort } = await startDaemon(t, false);
  const h = {};

  const first = await get(statsPort, '/metrics', h);
  assert.equal(first.status, 200);
  assert.match(String(first.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  assertWellFormed(first.body);
  const before = sample(first.body, 'halb_frontend_sessions_total', { frontend: 'web' }) ?? 0;

  for (let i = 0; i < 5; i++) assert.match((await get(fePort, '/')).body, /hello from alpha/);

  const after = await get(statsPort, '/metrics', h);
  assertWellFormed(after.body);
  assert.equal(sample(after.body, 'halb_frontend_sessions_total', { frontend: 'web' }), before + 5);
  assert.equal(sample(after.body, 'halb_server_http_responses_total', { backend: 'app', server: 's1', code: '2xx' }), 5);
  assert.ok((sample(after.body, 'halb_frontend_bytes_out_total', { frontend: 'web' }) ?? 0) > 0, 'bytes out counted');
  assert.equal(sample(after.body, 'halb_server_state', { backend: 'app', server: 's1' }), 1);
  assert.ok((sample(after.body, 'halb_health_checks_total', { backend: 'app', server: 's1' }) ?? 0) > 0, 'checks counted');

  const doc = JSON.parse((await get(statsPort, '/stats;json')).body) as StatusDocument;
  assert.equal(doc.version, '0.1.0');
  assert.equal(doc.frontends[0]?.name, 'web');
  assert.deepEqual(doc.frontends[0]?.listening, [`127.0.0.1:${fePort}`]);
  const s1 = doc.backends[0]?.servers.find((s) => s.name === 's1');
  assert.equal(s1?.state, 'UP');
  assert.equal(s1?.weight, 7);
  assert.equal(s1?.backup, false);
  assert.equal(s1?.sessions.total, 5);
  assert.equal(doc.backends[0]?.servers.find((s) => s.name === 's2')?.backup, true);
  assert.deepEqual(doc.vrrp, []);

  // Make s1 fail its check: DOWN in the document (with the check's reason) and in metrics.
  a.sick = true;
  const down = await waitFor('s1 DOWN in JSON', async () => {
    const d = JSON.parse((await get(statsPort, '/stats?format=json')).body) as StatusDocument;
    const s = d.backends[0]?.servers.find((x) => x.name === 's1');
    return s?.state === 'DOWN' ? s : undefined;
  });
  assert.match(String(down.reason), /Layer7/);
  assert.equal(down.lastCheck?.ok, false);
  assert.equal(down.lastCheck?.code, 503);
  assert.ok(down.lastChange && down.lastChange.ageSeconds >= 0 && !Number.isNaN(Date.parse(down.lastChange.at)));
  const m = (await get(statsPort, '/metrics')).body;
  assert.equal(sample(m, 'halb_server_state', { backend: 'app', server: 's1' }), 0);
  assert.ok((sample(m, 'halb_health_transitions_total', { backend: 'app', server: 's1' }) ?? 0) >= 1);

  // The bare stats URI answers too (JSON until the HTML page exists), with the refresh hint.
  const bare = await get(statsPort, '/stats');
  assert.equal(bare.status, 200);
  assert.equal(bare.headers.refresh, '5');
  assert.equal((JSON.parse(bare.body) as StatusDocument).backends[0]?.name, 'app');

  assert.equal((await get(statsPort, '/nope')).status, 404);
  assert.equal((await get(statsPort, '/statsfoo')).status, 404);
  assert.equal((await get(statsPort, '/metrics', {}, 'POST')).status, 405);
});

test('stats auth: 401 without or with wrong credentials, 200 with them, on every endpoint', async (t) => {
  const { statsPort } = await startDaemon(t, true);
  for (const path of ['/metrics', '/stats', '/stats;json']) {
    const none = await get(statsPort, path);
    assert.equal(none.status, 401, path);
    assert.match(String(none.headers['www-authenticate']), /^Basic realm=/);
    const wrong = await get(statsPort, path, { authorization: `Basic ${Buffer.from('ops:wrong').toString('base64')}` });
    assert.equal(wrong.status, 401, path);
    const ok = await get(statsPort, path, AUTH);
    assert.equal(ok.status, 200, path);
  }
  assertWellFormed((await get(statsPort, '/metrics', AUTH)).body);
  assert.equal((await get(statsPort, '/elsewhere', AUTH)).status, 404);
});

test('reload: stats auth added to a running stats listener applies to the next request', async (t) => {
  const { d, a, b, fePort, statsPort, cfg } = await startDaemon(t, false);
  assert.equal((await get(statsPort, '/metrics')).status, 200);
  writeFileSync(cfg, cfgText(fePort, statsPort, a, b, true));
  assert.equal(await d.reload(), true);
  assert.equal((await get(statsPort, '/metrics')).status, 401);
  assert.equal((await get(statsPort, '/metrics', AUTH)).status, 200);
});

test('halb.yaml stats entry: hide-version drops the version from the status document', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-admin-'));
  const a = await startDemoBackend('alpha', 0);
  const fePort = await freePort();
  const statsPort = await freePort();
  const cfg = join(dir, 'halb.yaml');
  writeFileSync(
    cfg,
    [
      'frontends:',
      '  - name: web',
      `    binds: ["127.0.0.1:${fePort}"]`,
      '    defaultBackend: app',
      'backends:',
      '  - name: app',
      '    servers:',
      `      - { name: s1, address: 127.0.0.1, port: ${a.port} }`,
      'stats:',
      '  - name: ops',
      `    binds: ["127.0.0.1:${statsPort}"]`,
      '    uri: /status',
      '    hideVersion: true',
      '',
    ].join('\n'),
  );
  const d = new Daemon({ sources: { yaml: cfg }, logger: pino({ level: 'silent' }) });
  t.after(async () => {
    await d.stop();
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await d.start();
  const doc = JSON.parse((await get(statsPort, '/status;json')).body) as StatusDocument;
  assert.equal(doc.version, undefined);
  assert.equal(doc.backends[0]?.servers[0]?.state, 'UP');
  assert.equal((await get(statsPort, '/stats')).status, 404, 'only the configured uri');
  assertWellFormed((await get(statsPort, '/metrics')).body);
});

test('a busy stats port fails start with the stats bind line, and nothing keeps running', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-admin-'));
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const statsPort = (blocker.address() as net.AddressInfo).port;
  const fePort = await freePort();
  t.after(() => {
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    `defaults\n  mode http\n  timeout connect 2s\n  timeout client 5s\n  timeout server 5s\n\nfrontend web\n  bind 127.0.0.1:${fePort}\n  default_backend app\n\nbackend app\n  server s1 127.0.0.1:9\n\nlisten stats\n  bind 127.0.0.1:${statsPort}\n  stats uri /stats\n`,
  );
  const d = new Daemon({ sources: { haproxy: cfg }, logger: pino({ level: 'silent' }) });
  await assert.rejects(d.start(), (err: Error) => {
    assert.match(err.message, /haproxy\.cfg:15: bind 127\.0\.0\.1:\d+ \(stats stats\): address already in use/);
    return true;
  });
  await d.stop();
  // The proxy listener was released too.
  await assert.rejects(get(fePort, '/'));
});
