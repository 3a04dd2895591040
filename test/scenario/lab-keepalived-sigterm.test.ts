// Scenario: two keepalived nodes, VRRPv2, advert_int 1, unicast peers, auth PASS.
// Proves: SIGTERM on the master hands the VIP over through a priority-0 advertisement: the backup
// takes over after its skew time, far sooner than master_down_interval; all packets valid VRRP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { Capture } from '../../src/lab/capture.js';
import { scenarioSkip, ts, assertCaptureValid, checkNoLeftoversAfterAll } from './lab-helpers.js';

const skip = await scenarioSkip('keepalived');
checkNoLeftoversAfterAll();

test('keepalived pair: SIGTERM on the master hands over with a priority-0 advert', { skip, timeout: ts(60_000) }, async (t) => {
  const vlab = await VrrpLab.create({ software: 'keepalived', version: 2, advertInt: 1, unicast: true, authPass: 'labpass' });
  t.after(() => vlab.destroy());
  await runScenario(vlab, async (v) => {
    const cap = await Capture.start(v.lab);
    await v.start();
    const masterDown = v.masterDownMs('n2');
    await v.waitHolder('n1', ts(masterDown + 5000));
    const prober = v.startProber({ intervalMs: 10, maxDurationMs: ts(40_000) });
    await prober.waitSteady('n1', 20, ts(5000));

    await prober.mark('sigterm');
    const exit = await v.node('n1').stop();
    t.diagnostic(`keepalived n1 exit: ${JSON.stringify(exit)}`);
    await prober.waitSteady('n2', 20, ts(masterDown + 5000));
    await v.waitHolder('n2', ts(2000)); // n1 removed its VIP on the way out
    await v.waitArp('n2', ts(2000));
    await prober.stop();
    const r = prober.analyze('sigterm');
    t.diagnostic(`sigterm: ${JSON.stringify(r)}`);
    // Skew time for priority 100 is 0.61 s; without the priority-0 advert it would be ≥ 2.6 s.
    assert.notEqual(r.outageMs, undefined);
    assert.ok(r.outageMs! < masterDown - 1000, `outage ${r.outageMs} ms: no faster than waiting for master_down_interval`);

    const rep = await assertCaptureValid(t, await cap.stop(), 2);
    if (rep) {
      assert.ok(
        rep.packets.some((p) => p.priority === 0),
        'a priority-0 advertisement was sent',
      );
      assert.ok(
        rep.packets.some((p) => p.priority === 150),
        'n1 advertised before stopping',
      );
    }
  });
});
