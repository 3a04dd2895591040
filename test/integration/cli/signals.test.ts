// keepalived users' signal habits against the real `halb run` (bin/halb.js, as started by users)
// on a plain haproxy.cfg on 127.0.0.1. Proves: SIGUSR1 opens no inspector and SIGUSR2 no longer
// kills halb (exit 140 before); each signal of the table is logged and halb keeps serving; a
// SIGTERM then stops it with exit 0, the `received SIGTERM` line before `halb stopped`, which is
// the last line. Also: --log-format text|json, JSON when piped, and the inspector refused as root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, httpGet, startHttpBackend } from '../../helpers/backends.js';
import { cleanup } from '../../helpers/proxy-harness.js';
import { startHalb, listeningPorts, type HalbProcess } from '../../helpers/halb-process.js';

async function setup(t: import('node:test').TestContext): Promise<{ cfg: string; port: number; dir: string }> {
  const app = cleanup(t, await startHttpBackend('app'));
  const dir = mkdtempSync(join(tmpdir(), 'halb-signals-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    `defaults\n  timeout connect 2s\n  timeout client 10s\n  timeout server 10s\n\nfrontend web\n  mode http\n  bind 127.0.0.1:${port}\n  default_backend app\n\nbackend app\n  mode http\n  server s1 127.0.0.1:${app.port}\n`,
  );
  return { cfg, port, dir };
}

function started(t: import('node:test').TestContext, h: HalbProcess): Promise<unknown> {
  t.after(() => h.kill());
  return h.waitJson((l) => l.event === 'started');
}

for (const asProgram of [true, false]) {
  const how = asProgram ? 'bin/halb.js as a program' : 'node bin/halb.js';
  test(`halb run (${how}): USR1, USR2, QUIT, HUP, ALRM, PIPE, WINCH are logged or ignored, halb keeps serving; no inspector`, async (t) => {
    const { cfg, port, dir } = await setup(t);
    // TMPDIR: where keepalived (and so halb) writes its dump files; never the machine's /tmp here.
    const h = startHalb(['run', '--haproxy', cfg], { asProgram, env: { ...process.env, TMPDIR: dir } });
    await started(t, h);
    for (const sig of ['SIGUSR1', 'SIGUSR2', 'SIGQUIT', 'SIGHUP', 'SIGALRM'] as const) {
      process.kill(h.pid, sig);
      await h.waitJson((l) => l.event === 'signal' && l.signal === sig);
      assert.equal((await httpGet(port)).body, 'app', `serving after ${sig}`);
    }
    // A node without VRRP still answers USR1 with keepalived's file (empty topology): a probe
    // grepping it for "State = FAULT" finds none instead of failing on a missing file.
    await h.waitJson((l) => l.event === 'state_dump' && l.kind === 'data');
    await h.waitJson((l) => l.event === 'state_dump' && l.kind === 'stats');
    const data = readFileSync(join(dir, 'keepalived.data'), 'utf8');
    assert.match(data, /^------< VRRP Topology >------$/m);
    assert.doesNotMatch(data, /State = /);
    assert.ok(existsSync(join(dir, 'keepalived.stats')));
    assert.ok(!readdirSync(dir).some((f) => f.startsWith('.keepalived')), 'no temporary file left behind');
    await h.waitJson((l) => l.event === 'reloaded');
    // Ignored without a line (PIPE: Node ignores it; WINCH: ignored by default); still serving.
    for (const sig of ['SIGPIPE', 'SIGWINCH'] as const) process.kill(h.pid, sig);
    assert.equal((await httpGet(port)).body, 'app');
    assert.deepEqual(listeningPorts(h.pid), [port], 'the frontend only: no inspector on 9229 or elsewhere');
    assert.doesNotMatch(h.stderr(), /Debugger listening/);

    process.kill(h.pid, 'SIGTERM');
    assert.deepEqual(await h.exited, { code: 0, signal: null });
    const events = h.json().map((l) => `${String(l.event)}${l.signal ? `:${String(l.signal)}` : ''}`);
    assert.ok(events.indexOf('signal:SIGTERM') >= 0, events.join(' '));
    assert.equal(events.at(-1), 'stopped', `halb stopped is the last line: ${events.join(' ')}`);
    assert.ok(events.indexOf('signal:SIGTERM') < events.indexOf('stopped'));
    assert.ok(!events.includes('link_watch_error'));
  });
}

test('halb run: a second SIGTERM during the stop is logged, not fatal; SIGINT stops like SIGTERM', async (t) => {
  const { cfg } = await setup(t);
  const h = startHalb(['run', '--haproxy', cfg]);
  await started(t, h);
  process.kill(h.pid, 'SIGINT');
  process.kill(h.pid, 'SIGTERM');
  assert.deepEqual(await h.exited, { code: 0, signal: null });
  // The kernel may deliver the two in either order; one stops, the other is only logged.
  const msgs = h.json().map((l) => String(l.msg));
  assert.equal(msgs.filter((m) => /^received SIG(INT|TERM), stopping$/.test(m)).length, 1, msgs.join(' | '));
  assert.equal(msgs.filter((m) => /^received SIG(INT|TERM), already stopping$/.test(m)).length, 1, msgs.join(' | '));
  assert.equal(msgs.filter((m) => m === 'halb stopped').length, 1);
});

test('halb run: access lines and other lines leave in the order they were logged', async (t) => {
  const { cfg, port } = await setup(t);
  const h = startHalb(['run', '--haproxy', cfg]);
  await started(t, h);
  await httpGet(port, '/before-term');
  // Access lines wait up to 10 ms for company; the SIGTERM line must not overtake this one.
  process.kill(h.pid, 'SIGTERM');
  await h.exited;
  const events = h.json().map((l) => String(l.event));
  assert.deepEqual(events.slice(-3), ['access', 'signal', 'stopped'], events.join(' '));
});

test('--log-format: JSON when piped (auto), text when asked, an unknown value refused', async (t) => {
  const { cfg, port } = await setup(t);
  const j = startHalb(['run', '--haproxy', cfg]);
  await started(t, j);
  process.kill(j.pid, 'SIGTERM');
  await j.exited;
  assert.ok(j.lines.length >= 3 && j.lines.every((l) => JSON.parse(l) !== null), j.lines.join('\n'));

  const x = startHalb(['run', '--haproxy', cfg, '--log-format', 'text']);
  t.after(() => x.kill());
  await x.waitLine((l) => l.includes('halb started'));
  await httpGet(port, '/text');
  await x.waitLine((l) => l.includes(' ACCESS '));
  process.kill(x.pid, 'SIGTERM');
  assert.equal((await x.exited).code, 0);
  for (const l of x.lines) assert.match(l, /^\d\d:\d\d:\d\d\.\d{3} (INFO |WARN |ACCESS )/, l);
  assert.ok(
    x.lines.some((l) => /ACCESS 127\.0\.0\.1:\d+ web app\/s1 200 -- .* "GET \/text"$/.test(l)),
    x.lines.join('\n'),
  );
  assert.ok(x.lines.some((l) => l.includes('received SIGTERM, stopping  event=signal signal=SIGTERM action=stop')));

  const bad = startHalb(['run', '--haproxy', cfg, '--log-format', 'xml']);
  const r = await bad.exited;
  assert.notEqual(r.code, 0);
  assert.match(bad.stderr(), /--log-format.*xml.*auto, text, json/);
});

test('as root, an inspector asked for in NODE_OPTIONS is closed unless HALB_ALLOW_INSPECTOR=1', { skip: process.getuid?.() !== 0 ? 'needs root' : false }, async (t) => {
  const { cfg, port } = await setup(t);
  // Port 0: the OS picks one; the point is that halb closes it, not which port.
  const h = startHalb(['run', '--haproxy', cfg], { env: { ...process.env, NODE_OPTIONS: '--inspect=127.0.0.1:0' } });
  await started(t, h);
  assert.match(h.stderr(), /Debugger listening on ws:\/\/127\.0\.0\.1:\d+/);
  assert.match(h.stderr(), /inspector \(--inspect\) was closed/);
  assert.deepEqual(listeningPorts(h.pid), [port]);
  process.kill(h.pid, 'SIGTERM');
  assert.equal((await h.exited).code, 0);

  const allowed = startHalb(['run', '--haproxy', cfg], { env: { ...process.env, NODE_OPTIONS: '--inspect=127.0.0.1:0', HALB_ALLOW_INSPECTOR: '1' } });
  await started(t, allowed);
  assert.equal(listeningPorts(allowed.pid).length, 2, 'frontend and the inspector the developer asked for');
  process.kill(allowed.pid, 'SIGTERM');
  assert.equal((await allowed.exited).code, 0);
});
