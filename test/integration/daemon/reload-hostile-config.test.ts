// A SIGHUP with a hostile configuration never stalls a running halb. The real binary serves
// HTTP on 127.0.0.1 while its haproxy.cfg is rewritten to name /dev/zero or a FIFO as an
// errorfile, to hold a 1 MB line, and to be 50 MB; after each SIGHUP it logs the refusal with
// file:line, and a client sending requests back to back all along sees every one answered, with
// bounded latency. (Before: the /dev/zero errorfile was read until memory ran out and the FIFO
// blocked the event loop for good: traffic stopped.) A second test measures the event loop
// while a large config is read and validated in-process: the loop keeps ticking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, ftruncateSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { freePort, httpGet, startHttpBackend } from '../../helpers/backends.js';
import { HALB_BIN } from '../../helpers/halb-cli.js';
import { captureLogger } from '../../helpers/log-capture.js';
import { Daemon } from '../../../src/daemon/daemon.js';

function haproxyCfg(port: number, serverPort: number, extra: string[] = []): string {
  return [
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 10s',
    '  timeout server 10s',
    'frontend web',
    `  bind 127.0.0.1:${port}`,
    ...extra,
    '  default_backend app',
    'backend app',
    `  server s1 127.0.0.1:${serverPort}`,
    '',
  ].join('\n');
}

/** Requests one after another until stopped; records each latency and any failure. */
function clientLoop(port: number): { stop(): Promise<{ ok: number; failures: string[]; maxMs: number }>; count(): number } {
  let running = true;
  let ok = 0;
  let maxMs = 0;
  const failures: string[] = [];
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const r = await httpGet(port, '/');
        if (r.status !== 200) failures.push(`status ${r.status}`);
        else ok++;
      } catch (e) {
        failures.push(String(e));
      }
      maxMs = Math.max(maxMs, performance.now() - t0);
    }
  })();
  return {
    count: () => ok,
    stop: async () => {
      running = false;
      await done;
      return { ok, failures, maxMs };
    },
  };
}

test('SIGHUP with /dev/zero, a FIFO, a 1 MB line or a 50 MB file: refused with file:line, traffic never stops', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-hup-'));
  const backend = await startHttpBackend('app');
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  writeFileSync(cfg, haproxyCfg(port, backend.port));
  const child = spawn(process.execPath, [HALB_BIN, 'run', '--haproxy', cfg, '--no-warmup', '--run-dir', join(dir, 'run')], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const events: Record<string, unknown>[] = [];
  const waiters: { pred: (e: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const e = JSON.parse(line) as Record<string, unknown>;
    events.push(e);
    for (const w of waiters.splice(0)) w.pred(e) ? w.resolve() : waiters.push(w);
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const nth = (event: string, n: number, timeoutMs = 20_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const have = () => events.filter((e) => e.event === event).length >= n;
      if (have()) return resolve();
      const timer = setTimeout(() => reject(new Error(`no ${n}th '${event}' within ${timeoutMs} ms; stderr: ${stderr}; log: ${JSON.stringify(events.slice(-3))}`)), timeoutMs);
      waiters.push({
        pred: () => have(),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  await nth('started', 1);

  const client = clientLoop(port);
  const cases: { name: string; write: () => void; expect: RegExp }[] = [
    {
      name: 'errorfile /dev/zero',
      write: () => writeFileSync(cfg, haproxyCfg(port, backend.port, ['  errorfile 503 /dev/zero'])),
      expect: /haproxy\.cfg:8:\d+: error: 'errorfile': cannot read errorfile '\/dev\/zero': not a regular file/,
    },
    { name: 'errorfile FIFO', write: () => writeFileSync(cfg, haproxyCfg(port, backend.port, [`  errorfile 503 ${fifo}`])), expect: /haproxy\.cfg:8:\d+: error: 'errorfile': .*it is a FIFO/ },
    { name: '1 MB line', write: () => writeFileSync(cfg, haproxyCfg(port, backend.port, [`  # ${'x'.repeat(1_000_000)}`])), expect: /haproxy\.cfg:8: error: line is 1000004 characters long/ },
    {
      name: '50 MB file',
      write: () => {
        const fd = openSync(cfg, 'w');
        writeSync(fd, '# big\n');
        ftruncateSync(fd, 50 * 1024 * 1024);
        closeSync(fd);
      },
      expect: /haproxy\.cfg:0: error: cannot read: file is too large \(52428800 bytes/,
    },
  ];
  let rejected = 0;
  for (const c of cases) {
    const before = client.count();
    c.write();
    child.kill('SIGHUP');
    await nth('reload_rejected', ++rejected);
    const diag = JSON.stringify(events.filter((e) => e.event === 'reload_rejected').at(-1)?.diagnostics);
    assert.match(diag, c.expect, c.name);
    // Traffic flowed while this reload was refused, and goes on after it.
    const after = client.count();
    await new Promise<void>((resolve) => {
      const check = setInterval(() => client.count() > after + 2 && (clearInterval(check), resolve()), 5);
    });
    assert.ok(client.count() > before, `requests answered around the ${c.name} reload`);
  }
  // A good config is still taken afterwards.
  writeFileSync(cfg, haproxyCfg(port, backend.port, ['  timeout client 11s']));
  child.kill('SIGHUP');
  await nth('reloaded', 1);
  const r = await client.stop();
  assert.deepEqual(r.failures, [], 'every request answered');
  // Requests normally take ~1 ms; 2 s leaves room for a busy machine and is far below "stalled".
  assert.ok(r.maxMs < 2000, `slowest request ${Math.round(r.maxMs)} ms`);
  assert.ok(r.ok > 20, `requests answered: ${r.ok}`);
});

test('a large config is read and validated off the event loop: the loop never blocks for long', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-hup-big-'));
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyCfg(port, 9));
  const log = captureLogger();
  const d = new Daemon({ sources: { haproxy: cfg }, logger: log.logger });
  t.after(async () => {
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await d.start();
  // ~1 MiB: 1,000 backends of 20 servers (parsed on the loop, this took 1-3 s here), and one
  // error at the very end so that all of it is parsed and validated, then refused.
  const lines = haproxyCfg(port, 9).split('\n');
  for (let i = 0; i < 1000; i++) {
    lines.push(`backend b${i}`);
    for (let j = 0; j < 20; j++) lines.push(`  server s${j} 127.0.${i % 250}.${j + 1}:8080 weight 10`);
  }
  lines.push('backend last', '  balance roundrobn', '');
  writeFileSync(cfg, lines.join('\n'));
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  // The histogram drops its first sample: let it tick before the reload starts.
  await new Promise((r) => setTimeout(r, 30));
  const t0 = performance.now();
  assert.equal(await d.reload(), false);
  const ms = performance.now() - t0;
  // Let the histogram's timer fire once more: a block that ends the reload shows only then.
  await new Promise((r) => setTimeout(r, 30));
  h.disable();
  const maxBlockMs = h.max / 1e6;
  const rejected = log.lines.find((l) => l.event === 'reload_rejected');
  assert.match(JSON.stringify(rejected?.diagnostics), /haproxy\.cfg:\d+:\d+: error: 'balance'/);
  t.diagnostic(`reload refused after ${Math.round(ms)} ms; longest event-loop block ${maxBlockMs.toFixed(1)} ms`);
  assert.ok(maxBlockMs < 500, `event loop blocked for ${maxBlockMs.toFixed(1)} ms during the reload`);
});
