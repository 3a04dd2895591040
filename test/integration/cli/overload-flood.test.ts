// A client flood beyond what the descriptor limit allows must not starve the control plane:
// the real `halb run` under a low RLIMIT_NOFILE (prlimit, this child only) lowers its global
// maxconn to fit, pauses its listeners there, and keeps health checks, the stats page and a
// client connected before the flood working. Before, the flood reached EMFILE, every check
// failed with `connect EMFILE` and all servers went DOWN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startHttpBackend } from '../../helpers/backends.js';
import { cleanup } from '../../helpers/proxy-harness.js';

const BIN = fileURLToPath(new URL('../../../../bin/halb.js', import.meta.url));
const NOFILE = 400;
const FLOOD = 600;
const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;

function startHalb(cfg: string): { child: ChildProcess; lines: Record<string, unknown>[]; waitFor(pred: (l: Record<string, unknown>) => boolean, ms: number): Promise<Record<string, unknown>> } {
  const child = spawn('prlimit', [`--nofile=${NOFILE}:${NOFILE}`, process.execPath, BIN, 'run', '--haproxy', cfg, '--no-warmup', '--log-level', 'debug'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let rest = '';
  child.stdout!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    for (const p of parts) {
      if (!p.trim()) continue;
      const l = JSON.parse(p) as Record<string, unknown>;
      lines.push(l);
      for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i]!.pred(l)) waiters.splice(i, 1)[0]!.resolve(l);
    }
  });
  return {
    child,
    lines,
    waitFor(pred, ms) {
      const found = lines.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no such line; last: ${JSON.stringify(lines.slice(-3))}`)), ms);
        waiters.push({ pred, resolve: (l) => (clearTimeout(t), resolve(l)) });
      });
    },
  };
}

function get(port: number, path: string, agent: http.Agent | false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** Sum of a metric's series on the stats listener. */
async function counter(port: number, name: string): Promise<number> {
  const { body } = await get(port, '/metrics', false);
  let n = 0;
  for (const line of body.split('\n')) if (line.startsWith(name + '{') || line.startsWith(name + ' ')) n += Number(line.slice(line.lastIndexOf(' ') + 1));
  return n;
}

test('flood beyond the descriptor limit: maxconn lowered, checks keep passing, stats reachable, connected client served', { skip: hasPrlimit ? false : 'prlimit not installed' }, async (t) => {
  const s1 = cleanup(t, await startHttpBackend('s1'));
  const s2 = cleanup(t, await startHttpBackend('s2'));
  const dir = mkdtempSync(join(tmpdir(), 'halb-flood-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const statsPort = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    [
      'global',
      '  maxconn 20000',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 30s',
      '  timeout server 30s',
      'frontend web',
      `  bind 127.0.0.1:${port}`,
      '  default_backend app',
      'backend app',
      `  server s1 127.0.0.1:${s1.port} check inter 100 fall 2 rise 1`,
      `  server s2 127.0.0.1:${s2.port} check inter 100 fall 2 rise 1`,
      'listen stats',
      `  bind 127.0.0.1:${statsPort}`,
      '  stats enable',
      '  stats uri /stats',
      '',
    ].join('\n'),
  );
  const halb = startHalb(cfg);
  t.after(async () => {
    if (halb.child.exitCode !== null) return;
    const exited = new Promise((r) => halb.child.once('exit', r));
    halb.child.kill('SIGTERM');
    await exited;
  });
  const budget = await halb.waitFor((l) => l.event === 'fd_budget', 15_000);
  assert.equal(budget.source, 'lowered');
  const maxconn = budget.maxconn as number;
  assert.ok(maxconn > 50 && 2 * maxconn + (budget.reserve as number) <= NOFILE, JSON.stringify(budget));
  await halb.waitFor((l) => l.event === 'started', 15_000);

  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  assert.equal((await get(port, '/', agent)).status, 200, 'served before the flood');

  const flood: net.Socket[] = [];
  t.after(() => flood.forEach((s) => s.destroy()));
  for (let i = 0; i < FLOOD; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    flood.push(s);
  }
  await Promise.all(flood.map((s) => new Promise((r) => s.once('connect', r))));
  await halb.waitFor((l) => l.event === 'maxconn-reached', 10_000);
  // Checks keep running and passing while the flood holds every client slot: ten more, none failed.
  const checksBefore = await counter(statsPort, 'halb_health_checks_total');
  const failuresBefore = await counter(statsPort, 'halb_health_check_failures_total');
  for (let i = 0; i < 200 && (await counter(statsPort, 'halb_health_checks_total')) < checksBefore + 10; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok((await counter(statsPort, 'halb_health_checks_total')) >= checksBefore + 10, 'checks ran during the flood');
  assert.equal(await counter(statsPort, 'halb_health_check_failures_total'), failuresBefore, 'and none failed');
  for (let i = 0; i < 20; i++) assert.equal((await get(port, '/', agent)).status, 200, 'the connected client is still served');
  const stats = await get(statsPort, '/stats;json', false);
  assert.equal(stats.status, 200, 'the stats page answers');
  const doc = JSON.parse(stats.body) as { frontends: { paused: boolean; sessions: { current: number } }[]; backends: { servers: { state: string }[] }[] };
  assert.equal(doc.frontends[0]!.paused, true);
  assert.equal(doc.frontends[0]!.sessions.current, maxconn);
  assert.deepEqual(
    doc.backends[0]!.servers.map((s) => s.state),
    ['UP', 'UP'],
  );
  const metrics = await get(statsPort, '/metrics', false);
  assert.match(metrics.body, /halb_frontend_paused\{frontend="web"\} 1/);
  const bad = halb.lines.filter((l) => (l.event === 'health_check' && l.ok === false) || l.event === 'server_state' || l.event === 'backend_down' || l.event === 'refused');
  assert.deepEqual(bad, [], 'no failed check, no state change, nobody refused');
  // The flood leaves; waiting clients are accepted from the backlog; the listener resumes.
  for (const s of flood) s.destroy();
  assert.equal((await get(port, '/', false)).status, 200, 'a new client is served after the flood');
});
