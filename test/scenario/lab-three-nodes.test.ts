// Scenario: three nodes with distinct priorities (150, 100, 50), VRRPv3 0.1 s, multicast; halb
// and, as the reference, keepalived.
// Proves groups larger than a pair: when the master's host dies, the next best (n2), not the
// lowest (n3), takes over; when n2 dies too, n3 does — as the client sees it (answers and ARP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { SOFTWARE_KINDS } from '../../src/lab/node-software.js';
import { scenarioSkip, ts, checkNoLeftoversAfterAll } from './lab-helpers.js';

checkNoLeftoversAfterAll();

for (const software of SOFTWARE_KINDS) {
  const skip = await scenarioSkip(software);
  test(`${software} ×3: the VIP moves down the priority order as hosts die`, { skip, timeout: ts(60_000) }, async (t) => {
    const vlab = await VrrpLab.create({ software, nodes: 3, version: 3, advertInt: 0.1 });
    t.after(() => vlab.destroy());
    await runScenario(vlab, async (v) => {
      assert.deepEqual([...v.priorities.values()], [150, 100, 50]);
      await v.start();
      await v.waitHolder('n1', ts(10_000));
      const prober = v.startProber({ maxDurationMs: ts(40_000) });
      await prober.waitSteady('n1', 20, ts(5000));
      await prober.mark('n1-dies');
      await v.hostDeath('n1');
      await prober.waitSteady('n2', 20, ts(5000));
      await v.waitArp('n2', ts(2000));
      await prober.mark('n2-dies');
      await v.hostDeath('n2');
      await prober.waitSteady('n3', 20, ts(5000));
      await v.waitArp('n3', ts(2000));
      await prober.stop();
      const first = prober.analyze('n1-dies');
      assert.equal(first.firstNodeAfterRecovery ?? 'n2', 'n2');
      assert.ok(first.outageMs! <= v.masterDownMs('n2') + ts(1000), `n2 took over after ${first.outageMs} ms`);
      const second = prober.analyze('n2-dies');
      assert.equal(second.firstNodeAfterRecovery ?? 'n3', 'n3');
      assert.ok(second.outageMs! <= v.masterDownMs('n3') + ts(1000), `n3 took over after ${second.outageMs} ms`);
    });
  });
}
