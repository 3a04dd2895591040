// Keeps `npm run bench` from rotting: the whole load-balancer harness in its short smoke form
// (HALB_BENCH_QUICK settings: 1 s wrk runs, 64 MiB bulk, 500 idle conns, 600-request server kill,
// a 1,228-connection flood against a 1,024 descriptor limit)
// with the direct path and haproxy. Asserts that every row was measured, never how fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runLbBench } from '../../bench/lb/run.js';

function missing(): string | false {
  if (process.platform !== 'linux') return 'needs Linux (/proc)';
  for (const cmd of ['wrk', 'haproxy']) {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    } catch {
      return `${cmd} not installed (scripts/install-deps.sh)`;
    }
  }
  return false;
}

test('quick bench: direct and haproxy produce every row', { skip: missing(), timeout: 180_000 }, async () => {
  const progress: string[] = [];
  const r = await runLbBench({ quick: true, contenders: ['direct', 'haproxy'], progress: (l) => progress.push(l) });
  const cell = (prefix: string, c: 'direct' | 'haproxy') => r.rows.find((x) => x.label.startsWith(prefix))?.cells[c];
  const number = (prefix: string, c: 'direct' | 'haproxy'): number => {
    const v = cell(prefix, c);
    assert.equal(v?.kind, 'num', `${prefix} / ${c}: ${JSON.stringify(v)}; notes: ${r.notes.join('; ')}`);
    return (v as { value: number }).value;
  };
  for (const c of ['direct', 'haproxy'] as const) {
    assert.ok(number('http keep-alive req/s', c) > 0);
    assert.ok(number('http p99 latency ms', c) > 0);
    assert.ok(number('tcp-mode req/s', c) > 0);
    assert.ok(number('bulk upload Gbit/s', c) > 0);
    assert.ok(number('bulk download Gbit/s', c) > 0);
  }
  assert.equal(number('http non-2xx', 'haproxy'), 0, 'the responder backend answers 200 to every request');
  assert.ok(number('RSS KB per idle conn', 'haproxy') > 0);
  assert.ok(number('CPU µs per http request', 'haproxy') > 0);
  assert.ok(number('RSS MB with 500 idle http-mode conns', 'haproxy') > 0);
  assert.ok(number('  normal clients p99 ms', 'haproxy') >= 0);
  assert.ok(number('  proxy CPU % during the attack', 'haproxy') > 0);
  assert.equal(number('errors, wrk', 'haproxy') >= 0, true);
  // A server is killed one third into the run: haproxy without redispatch must fail some requests
  // (those sent to the dead server before it is marked DOWN), and it must log the DOWN.
  const failed = number('failed reqs, 1 of 3 servers killed', 'haproxy');
  assert.ok(failed > 0 && failed <= 600, `failed ${failed}`);
  assert.ok(number('  killed server marked DOWN after s', 'haproxy') > 0);
  const failedR = number('  same, retries 3 + redispatch: failed', 'haproxy');
  assert.ok(failedR < failed, `redispatch ${failedR} vs ${failed}`);
  // Overload rows: haproxy keeps serving the earlier client and marks no server DOWN; the
  // queueing rows serve everyone.
  assert.equal(number('flood beyond maxconn', 'haproxy'), 40);
  assert.equal(number('  servers marked DOWN', 'haproxy'), 0);
  assert.equal(number('frontend maxconn 50, 200 concurrent: served', 'haproxy'), 200);
  assert.equal(number('server maxconn 5, 50 concurrent', 'haproxy'), 50);
  // rows with no proxy in them have no direct value
  assert.equal(cell('RSS KB per idle conn', 'direct'), undefined);
  assert.match(r.table, /^metric +\| direct \| haproxy \| +halb \| halb\/haproxy \| target/);
  // nothing left behind: the generated cfg directory is gone
  assert.deepEqual(
    readdirSync(tmpdir()).filter((n) => n.startsWith(`halb-bench-${process.pid}-`)),
    [],
  );
});
