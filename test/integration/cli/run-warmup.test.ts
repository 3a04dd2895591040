// `halb run` warms its data plane up after it starts listening (src/proxy/warmup.ts): the real
// frontend answers meanwhile, one summary line says what was done, and `--no-warmup` /
// HALB_WARMUP=0 skip it. The real process, as users start it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, httpGet, startHttpBackend } from '../../helpers/backends.js';
import { cleanup } from '../../helpers/proxy-harness.js';

const BIN = fileURLToPath(new URL('../../../../bin/halb.js', import.meta.url));

interface Run {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  waitFor(pred: (l: Record<string, unknown>) => boolean, ms: number): Promise<Record<string, unknown>>;
}

function start(args: string[], env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const lines: Array<Record<string, unknown>> = [];
  let rest = '';
  child.stdout!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
  });
  return {
    child,
    lines,
    async waitFor(pred, ms) {
      const until = Date.now() + ms;
      for (;;) {
        const l = lines.find(pred);
        if (l) return l;
        if (Date.now() > until || child.exitCode !== null) throw new Error(`no such line; last: ${JSON.stringify(lines.slice(-3))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

async function stop(r: Run): Promise<void> {
  if (r.child.exitCode !== null) return;
  const exited = new Promise((res) => r.child.once('exit', res));
  r.child.kill('SIGTERM');
  await exited;
}

async function setup(t: import('node:test').TestContext): Promise<{ cfg: string; port: number }> {
  const app = cleanup(t, await startHttpBackend('app'));
  const dir = mkdtempSync(join(tmpdir(), 'halb-warmup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    `defaults\n  timeout connect 2s\n  timeout client 10s\n  timeout server 10s\n\nfrontend web\n  mode http\n  bind 127.0.0.1:${port}\n  default_backend app\n\nbackend app\n  mode http\n  server s1 127.0.0.1:${app.port}\n`,
  );
  return { cfg, port };
}

test('halb run: serves at once, warms up beside it and says so in one line', async (t) => {
  const { cfg, port } = await setup(t);
  const env = { ...process.env };
  delete env.HALB_WARMUP;
  const r = start(['run', '--haproxy', cfg], env);
  t.after(() => stop(r));
  await r.waitFor((l) => l.event === 'started', 15_000);
  assert.equal((await httpGet(port)).body, 'app');
  const w = await r.waitFor((l) => l.event === 'warmup', 30_000);
  assert.equal(w.errors, 0);
  assert.equal(w.frontends, 1);
  assert.ok((w.requests as number) > 0);
  // The warm-up's own requests never appear as access lines: the one line is the test's request.
  const access = r.lines.filter((l) => l.event === 'access');
  assert.equal(access.length, 1, JSON.stringify(access));
  assert.equal(access[0]!.frontend, 'web');
});

test('halb run: SIGTERM during the warm-up ends it (its line says aborted) and exits 0', async (t) => {
  const { cfg } = await setup(t);
  const env = { ...process.env };
  delete env.HALB_WARMUP;
  const r = start(['run', '--haproxy', cfg], env);
  t.after(() => stop(r));
  await r.waitFor((l) => l.event === 'started', 15_000);
  await new Promise((res) => setTimeout(res, 300));
  const exited = new Promise<number | null>((res) => r.child.once('exit', (code) => res(code)));
  const t0 = Date.now();
  r.child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.ok(Date.now() - t0 < 5000, 'prompt exit');
  assert.equal(r.lines.find((l) => l.event === 'warmup')?.cut, 'aborted');
});

for (const [how, args, env] of [
  ['--no-warmup', ['--no-warmup'], {}],
  ['HALB_WARMUP=0', [], { HALB_WARMUP: '0' }],
] as const) {
  test(`halb run ${how}: no warm-up`, async (t) => {
    const { cfg, port } = await setup(t);
    const r = start(['run', '--haproxy', cfg, ...args], { ...process.env, ...env });
    t.after(() => stop(r));
    await r.waitFor((l) => l.event === 'started', 15_000);
    assert.equal((await httpGet(port)).body, 'app');
    // Stopped while a warm-up would still run: stop() ends one and it logs its summary
    // (cut: aborted), so the absence of that line, next to 'stopped', means none ran.
    await new Promise((res) => setTimeout(res, 300));
    await stop(r);
    assert.ok(
      r.lines.find((l) => l.event === 'stopped'),
      'log flushed at exit',
    );
    assert.equal(
      r.lines.find((l) => l.event === 'warmup'),
      undefined,
    );
  });
}
