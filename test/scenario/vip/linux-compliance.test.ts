// Scenario: the Linux VIP manager passes the same VipManager compliance suite as the
// in-memory one (test/helpers/vip-manager-compliance.ts).
// Topology: one namespace with a veth pair v0-v1, both up, v0 with 198.51.100.1/24 (created
// by this test, deleted with it).
// Proves: add/remove change what `ip addr` shows, repeated adds and removes of absent
// addresses succeed, GARP and unsolicited NA go out without error, and cleanupStale removes
// what a crashed earlier run left. The suite runs in a child process inside the
// namespace, because the manager works on the namespace it runs in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BareLab } from '../../../src/lab/bare-lab.js';
import { requireRoot } from '../../../src/lab/root.js';
import { scaled } from '../../helpers/timescale.js';

const AGENT = fileURLToPath(new URL('./_linux-compliance-agent.js', import.meta.url));

test('LinuxVipManager passes the VipManager compliance suite in a namespace', { skip: (await requireRoot()) ?? false, timeout: scaled(90_000) }, async (t) => {
  const lab = new BareLab();
  t.after(() => lab.cleanup());
  const ns = await lab.netns();
  await lab.exec(ns, 'ip', ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  await lab.exec(ns, 'ip', ['link', 'set', 'v1', 'up']);
  await lab.exec(ns, 'ip', ['link', 'set', 'v0', 'up']);
  await lab.exec(ns, 'ip', ['addr', 'add', '198.51.100.1/24', 'dev', 'v0']); // the host's own address
  // A test file of its own in the child: without this runner's context, which would make
  // node:test report into the parent instead of running the suite.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--test-reporter=tap', AGENT], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 0, out);
  assert.match(out, /^# pass 4$/m, out);
  assert.match(out, /^# fail 0$/m, out);
});
