// Scenario: `halb lab`, the README's first command. Proves it builds the lab with halb as the LB
// node software (VRRP VIP + HTTP proxy to three health-checked backends), that the client's
// requests to the VIP are answered by the backends through n1, that a chaos step (n1's host dies)
// moves the traffic to n2, and that everything is torn down both when --duration ends and on
// SIGTERM (no namespace, no process left); the SIGTERM case runs keepalived (VIP-only mode).
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
  const lab = startLab(['--duration', '12', '--advert', '0.1', '--chaos', '6']);
  t.after(() => lab.child.kill('SIGKILL'));
  const code = await lab.exited;
  const out = lab.output();
  assert.equal(code, 0, out);
  assert.match(out, /n1 +LB halb prio 150/);
  const view = out.split('\n').filter((l) => l.includes('VIP on:'));
  const beforeChaos = view.slice(0, view.findIndex((l) => /n1:down/.test(l)));
  // Round robin over three healthy backends, all reached through n1, which holds the VIP.
  for (const b of ['b1', 'b2', 'b3']) assert.ok(beforeChaos.some((l) => new RegExp(`VIP on: n1 \\| client ARP → n1 .*n1→${b}×\\d+`).test(l)), `${b} answered via n1:\n${out}`);
  assert.match(out, /chaos: n1's host dies/);
  assert.ok(view.some((l) => /VIP on: [^|]*n2 \| client ARP → n2 .*n2→b\d×\d+/.test(l)), `after the chaos step, backends answer via n2:\n${out}`);
  assert.match(out, /torn down/);
  assert.deepEqual(await leftovers(lab.child.pid!), { namespaces: [], processes: [] });
});

test('halb lab --software keepalived tears everything down on SIGTERM', { skip: skipKeepalived, timeout: ts(60_000) }, async (t) => {
  const lab = startLab(['--software', 'keepalived', '--advert', '0.1', '--unicast']);
  t.after(() => lab.child.kill('SIGKILL'));
  await waitFor('a live view line', () => /VIP on: n1/.test(lab.output()), { timeoutMs: ts(30_000), intervalMs: 100 });
  lab.child.kill('SIGTERM');
  const code = await lab.exited;
  assert.equal(code, 0, lab.output());
  assert.match(lab.output(), /stopping \(signal\)/);
  assert.deepEqual(await leftovers(lab.child.pid!), { namespaces: [], processes: [] });
});
