// Scenario: two keepalived nodes, VRRPv2, advert_int 1, multicast, auth PASS.
// Proves: the higher priority node holds the VIP as the client sees it (answers and ARP); when its
// host dies (link down + kill -9) the backup takes over within master_down_interval; when the host
// comes back it preempts; every VRRP packet on the wire decodes as valid VRRP in tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { Capture } from '../../src/lab/capture.js';
import { scenarioSkip, ts, assertCaptureValid, checkNoLeftoversAfterAll, startWithN1Master, killN1AwaitN2 } from './lab-helpers.js';

const skip = await scenarioSkip('keepalived');
checkNoLeftoversAfterAll();

test('keepalived pair: host death of the master moves the VIP within master_down_interval, revival preempts back', { skip, timeout: ts(90_000) }, async (t) => {
  const vlab = await VrrpLab.create({ software: 'keepalived', version: 2, advertInt: 1, authPass: 'labpass' });
  t.after(() => vlab.destroy());
  await runScenario(vlab, async (v) => {
    const cap = await Capture.start(v.lab);
    // masterDown = 3 × 1 s + (256 − 100)/256 s ≈ 3609 ms
    const { masterDown, prober } = await startWithN1Master(v, { intervalMs: 10, maxDurationMs: ts(60_000) });

    await killN1AwaitN2(v, prober, ts(masterDown + 5000));
    assert.ok((await v.holders()).includes('n2'), 'n2 has the VIP configured');
    const death = prober.analyze('death');
    t.diagnostic(`host death: ${JSON.stringify(death)}`);
    assert.notEqual(death.outageMs, undefined, 'client recovered');
    // The backup may only take over once master_down_interval has passed since the last advert it
    // heard, which was at most one advert interval before the death.
    assert.ok(death.outageMs! >= masterDown - 1000 - 200, `outage ${death.outageMs} ms is shorter than possible: the client did not see the death`);
    assert.ok(death.outageMs! <= masterDown + ts(1500), `outage ${death.outageMs} ms exceeds master_down_interval ${masterDown} ms + margin`);
    assert.equal(death.firstNodeAfterRecovery, 'n2');

    await prober.mark('revive');
    await v.hostRevive('n1');
    // n1 hears n2's lower-priority adverts and preempts (RFC 3768 §6.4.2 with preempt on).
    await prober.waitSteady('n1', 20, ts(masterDown + 8000));
    await v.waitHolder('n1', ts(3000));
    await v.waitArp('n1', ts(2000));
    await prober.stop();
    await assertCaptureValid(t, await cap.stop(), 5);
  });
});
