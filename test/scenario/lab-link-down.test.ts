// Scenario: the master's link goes down while its daemon keeps running (cable pulled at the
// switch, the host sees no carrier); halb and, as the reference, keepalived.
// Topology: n1 (150) and n2 (100), VRRPv3 0.1 s, multicast, client `c`.
// Proves: n2 takes over within master_down_interval (the client's ARP entry and answers move); n1
// goes to FAULT and drops the VIP itself (so it does not claim it when the link returns); once the
// link is back, n1 preempts again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { SOFTWARE_KINDS } from '../../src/lab/node-software.js';
import { scenarioSkip, ts, checkNoLeftoversAfterAll } from './lab-helpers.js';

checkNoLeftoversAfterAll();

for (const software of SOFTWARE_KINDS) {
  const skip = await scenarioSkip(software);
  test(`${software} pair: link down on the master moves the VIP, link up brings it back`, { skip, timeout: ts(60_000) }, async (t) => {
    const vlab = await VrrpLab.create({ software, version: 3, advertInt: 0.1 });
    t.after(() => vlab.destroy());
    await runScenario(vlab, async (v) => {
      await v.start();
      const masterDown = v.masterDownMs('n2');
      await v.waitHolder('n1', ts(10_000));
      const prober = v.startProber({ maxDurationMs: ts(40_000) });
      await prober.waitSteady('n1', 20, ts(5000));

      await prober.mark('link-down');
      await v.lab.linkDown('n1');
      await prober.waitSteady('n2', 20, ts(masterDown + 5000));
      await v.waitArp('n2', ts(2000));
      // n1's daemon noticed the carrier loss (FAULT) and removed the VIP; it is still running.
      await v.waitHolder('n2', ts(3000));
      assert.equal(v.node('n1').running, true);
      const r = prober.analyze('link-down');
      t.diagnostic(`link down: ${JSON.stringify(r)}`);
      assert.notEqual(r.outageMs, undefined);
      assert.ok(r.outageMs! <= masterDown + ts(1000), `outage ${r.outageMs} ms exceeds master_down_interval ${masterDown} ms + margin`);

      await v.lab.linkUp('n1');
      await prober.waitSteady('n1', 20, ts(8000));
      await v.waitHolder('n1', ts(2000));
      await v.waitArp('n1', ts(2000));
      await prober.stop();
    });
  });
}
