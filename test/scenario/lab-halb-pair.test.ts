// Scenario: two halb nodes (`halb run --keepalived`), VRRPv3 0.1 s, multicast (the nopreempt case
// also with two keepalived nodes, as the reference the lab's knob is checked against).
// Topology: n1 (priority 150) and n2 (100) on one bridge, a client `c`; per-node responders.
// Proves: the higher priority holds the VIP as the client sees it (its ARP entry and the
// responder that answers); host death of the master (link down + kill -9) moves the VIP to n2
// within master_down_interval; the restarted n1 preempts back — or, with `nopreempt`, leaves the
// VIP on n2; every VRRP packet on the wire decodes as valid VRRP in tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { Capture } from '../../src/lab/capture.js';
import { sleep } from '../../src/lab/wait.js';
import { scenarioSkip, ts, assertCaptureValid, checkNoLeftoversAfterAll, startWithN1Master, killN1AwaitN2 } from './lab-helpers.js';

import type { SoftwareKind } from '../../src/lab/node-software.js';

checkNoLeftoversAfterAll();

const CASES: ReadonlyArray<{ software: SoftwareKind; nopreempt: boolean }> = [
  { software: 'halb', nopreempt: false },
  { software: 'halb', nopreempt: true },
  { software: 'keepalived', nopreempt: true },
];
for (const { software, nopreempt } of CASES) {
  const skip = await scenarioSkip(software);
  const after = nopreempt ? 'with nopreempt the restarted n1 leaves the VIP on n2' : 'the restarted n1 preempts back';
  test(`${software} pair: kill -9 + link down moves the VIP within master_down_interval, ${after}`, { skip, timeout: ts(60_000) }, async (t) => {
    const vlab = await VrrpLab.create({ software, version: 3, advertInt: 0.1, nopreempt });
    t.after(() => vlab.destroy());
    await runScenario(vlab, async (v) => {
      const cap = await Capture.start(v.lab);
      const { masterDown, prober } = await startWithN1Master(v, { maxDurationMs: ts(40_000) });

      await killN1AwaitN2(v, prober, ts(masterDown + 5000));
      const death = prober.analyze('death');
      t.diagnostic(`host death: ${JSON.stringify(death)}`);
      assert.notEqual(death.outageMs, undefined, 'the client recovered');
      assert.ok(death.outageMs! <= masterDown + ts(1000), `outage ${death.outageMs} ms exceeds master_down_interval ${masterDown} ms + margin`);
      assert.equal(death.firstNodeAfterRecovery ?? 'n2', 'n2');

      await prober.mark('revive');
      await v.hostRevive('n1');
      if (nopreempt) {
        // Many master_down_intervals (0.36 s) pass: with preemption n1 would have taken over.
        await sleep(ts(3000));
        assert.deepEqual(await v.holders(), ['n2']);
        assert.equal(prober.recentSummary(2500)['n1'], undefined, 'n1 never answered after its restart');
        await v.waitArp('n2', ts(1000));
      } else {
        await prober.waitSteady('n1', 20, ts(masterDown + 8000));
        await v.waitHolder('n1', ts(3000));
        await v.waitArp('n1', ts(2000));
      }
      await prober.stop();
      await assertCaptureValid(t, await cap.stop(), 5);
    });
  });
}
