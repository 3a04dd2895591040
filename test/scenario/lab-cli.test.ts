// Scenario: `halb lab`, the README's first command. Proves it builds the lab, shows the VIP held
// by n1 and answered to the client, and tears everything down both when --duration ends and on
// SIGTERM (no namespace, no process left).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scenarioSkip, ts, leftovers } from './lab-helpers.js';
import { waitFor } from '../../src/lab/wait.js';

const skip = await scenarioSkip('keepalived');
const BIN = fileURLToPath(new URL('../../../bin/halb.js', import.meta.url));

function startLab(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'lab', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, output: () => out };
}

test('halb lab --duration: live view shows n1 holding the VIP and answering, then tears down', { skip, timeout: ts(60_000) }, async (t) => {
  const lab = startLab(['--duration', '6', '--advert', '0.1']);
  t.after(() => lab.child.kill('SIGKILL'));
  const code = await lab.exited;
  const out = lab.output();
  assert.equal(code, 0, out);
  assert.match(out, /n1 +LB keepalived prio 150/);
  assert.match(out, /VIP on: n1 \| client ARP → n1 .*client got \(last 1 s\): n1×\d+/);
  assert.match(out, /torn down/);
  assert.deepEqual(await leftovers(lab.child.pid!), { namespaces: [], processes: [] });
});

test('halb lab tears everything down on SIGTERM', { skip, timeout: ts(60_000) }, async (t) => {
  const lab = startLab(['--advert', '0.1', '--unicast']);
  t.after(() => lab.child.kill('SIGKILL'));
  await waitFor('a live view line', () => /VIP on: n1/.test(lab.output()), { timeoutMs: ts(30_000), intervalMs: 100 });
  lab.child.kill('SIGTERM');
  const code = await lab.exited;
  assert.equal(code, 0, lab.output());
  assert.match(lab.output(), /stopping \(signal\)/);
  assert.deepEqual(await leftovers(lab.child.pid!), { namespaces: [], processes: [] });
});
