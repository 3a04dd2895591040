// Scenario: `halb lab`, the README's first command. Proves it builds the lab with halb as the LB
// node software (VRRP VIP + HTTP proxy to three health-checked backends), that the client's
// requests to the VIP are answered by the backends through n1, that a chaos step (n1's host dies)
// moves the traffic to n2, that requests sent before the first election are shown as "electing…"
// and not counted as failures, that the run ends with a summary, and that everything is torn down
// both when --duration ends and on SIGTERM (no namespace, no process left); the SIGTERM case runs
// keepalived (VIP-only mode).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scenarioSkip, ts, leftovers } from './lab-helpers.js';
import { waitFor } from '../../src/lab/wait.js';

const skipHalb = await scenarioSkip('halb');
const skipKeepalived = await scenarioSkip('keepalived');
const BIN = fileURLToPath(new URL('../../../bin/halb.js', import.meta.url));

function startLab(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'lab', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, output: () => out };
}

test('halb lab --duration: the client gets answers from the backends through the VIP on n1, chaos moves them to n2, then tears down', { skip: skipHalb, timeout: ts(90_000) }, async (t) => {
  // advert 1 s (the README's default): the first election takes seconds, long enough to see it.
  const lab = startLab(['--duration', '16', '--chaos', '8']);
  t.after(() => lab.child.kill('SIGKILL'));
  const code = await lab.exited;
  const out = lab.output();
  assert.equal(code, 0, out);
  assert.match(out, /n1 +LB halb prio 150/);
  const view = out.split('\n').filter((l) => /^\[ *\d+\.\ds\] /.test(l));
  // Before the first master answers: "electing…", and nothing counted as failed. (On a busy
  // machine n2 sometimes answers first and n1 preempts it: the view then shows that hand-over.)
  const firstMaster = view.findIndex((l) => !/\] electing… /.test(l));
  assert.ok(firstMaster > 0, `an electing phase, then a master:\n${out}`);
  for (const l of view.slice(0, firstMaster)) {
    assert.match(l, /\] electing… +\| VIP on (nobody yet|n1|n2|n1, n2) \|.* sent, no master to answer yet/, out);
    assert.doesNotMatch(l, /failed/, out);
  }
  const beforeChaos = view.slice(
    0,
    view.findIndex((l) => /n1 host down/.test(l)),
  );
  // Round robin over three healthy backends, all reached through n1, which holds the VIP.
  for (const b of ['b1', 'b2', 'b3'])
    assert.ok(
      beforeChaos.some((l) => new RegExp(`master n1 +\\| VIP on n1 \\| client ARP → n1 \\| \\d+ ok n1→(b\\d×\\d+ )*${b}×\\d+`).test(l)),
      `${b} answered via n1:\n${out}`,
    );
  assert.match(out, /chaos t=\d+\.\ds: n1's host dies \(master\)/);
  assert.ok(
    view.some((l) => /master n2 +\| VIP on n2[^|]*\| client ARP → n2 \|.*n2→b\d×\d+/.test(l)),
    `after the chaos step, backends answer via n2:\n${out}`,
  );
  // The summary: the election's requests apart, every failure belongs to the chaos event.
  const summary = out.slice(out.indexOf('summary of the'));
  assert.ok(summary.length > 0 && out.includes('summary of the'), `a summary:\n${out}`);
  const electing = Number(/first master +n[12], answering at t=\d+\.\ds \((\d+) requests sent while electing, not counted as failures\)/.exec(summary)?.[1]);
  assert.ok(electing > 0, `requests were sent while electing:\n${summary}`);
  assert.match(summary, /failovers +\d: .*t=\d+\.\ds n1→n2/);
  assert.match(summary, /longest outage +\d+\.\d+ s from t=\d+\.\ds, after n1's host died/);
  const failed = Number(/failed requests (\d+) of \d+ after the first election/.exec(summary)?.[1]);
  const chaos = /t=\d+\.\ds +n1's host dies \(master\) +→ n2 took over, answering \d+\.\d+ s after; (\d+) failed/.exec(summary);
  assert.ok(chaos, `the chaos event with its outcome:\n${summary}`);
  // A lone slow request (over the prober's 500 ms on a busy machine) is a real failure too; the
  // ~150 requests of the election are not.
  assert.ok(Number(chaos[1]) > 0 && failed - Number(chaos[1]) <= 2, `failures only after the chaos event:\n${out}`);
  assert.match(out, /torn down/);
  assert.deepEqual(await leftovers(lab.child.pid!), { namespaces: [], processes: [] });
});

test('halb lab --software keepalived tears everything down on SIGTERM', { skip: skipKeepalived, timeout: ts(60_000) }, async (t) => {
  const lab = startLab(['--software', 'keepalived', '--advert', '0.1', '--unicast']);
  t.after(() => lab.child.kill('SIGKILL'));
  await waitFor('a live view line', () => /VIP on n1/.test(lab.output()), { timeoutMs: ts(30_000), intervalMs: 100 });
  lab.child.kill('SIGTERM');
  const code = await lab.exited;
  assert.equal(code, 0, lab.output());
  assert.match(lab.output(), /stopping \(signal\)/);
  assert.match(lab.output(), /summary of the [\d.]+ s run[\s\S]*first master +n1/);
  assert.deepEqual(await leftovers(lab.child.pid!), { namespaces: [], processes: [] });
});
