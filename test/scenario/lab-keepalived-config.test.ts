// Scenario: the lab's keepalived adapter refuses a config keepalived would only half apply
// (`keepalived --config-test` warns), instead of running a scenario on an ignored setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../../src/lab/topology.js';
import { KeepalivedNode } from '../../src/lab/keepalived-node.js';
import { scenarioSkip, ts, checkNoLeftoversAfterAll } from './lab-helpers.js';

const skip = await scenarioSkip('keepalived');
checkNoLeftoversAfterAll();

test('KeepalivedNode.start rejects a config keepalived warns about, and starts a clean one', { skip, timeout: ts(30_000) }, async (t) => {
  const lab = await Lab.create({ hosts: [{ name: 'n1' }] });
  t.after(() => lab.destroy());
  const inst = { name: 'VI_1', interface: 'eth0', vrid: 51, priority: 150, advertInt: 1, version: 2 as const, vips: ['10.77.0.100/24'] };
  const bad = new KeepalivedNode(lab, 'n1', { routerId: 'n1', instances: [{ ...inst, interface: 'eth9' }] });
  await assert.rejects(bad.start(), /config-test rejected .*eth9/s);
  assert.equal(bad.running, false);
  const good = new KeepalivedNode(lab, 'n1', { routerId: 'n1', instances: [inst] });
  await good.start();
  assert.equal(good.running, true);
  assert.ok(good.pids().length >= 2, 'parent and VRRP child');
  const exit = await good.stop();
  assert.deepEqual(exit, { code: 0, signal: null });
});
