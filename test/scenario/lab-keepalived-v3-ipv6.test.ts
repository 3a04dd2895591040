// Scenario: two keepalived nodes, VRRPv3 over IPv6, advert_int 0.1, multicast ff02::12.
// Proves the lab works for IPv6 (neighbour discovery instead of ARP, v3 checksums with the IPv6
// pseudo-header): host death of the master moves the VIP within master_down_interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { Capture } from '../../src/lab/capture.js';
import { scenarioSkip, ts, assertCaptureValid, checkNoLeftoversAfterAll, startWithN1Master, killN1AwaitN2 } from './lab-helpers.js';

const skip = await scenarioSkip('keepalived');
checkNoLeftoversAfterAll();

test('keepalived pair, VRRPv3 IPv6 0.1 s: host death moves the VIP within master_down_interval', { skip, timeout: ts(60_000) }, async (t) => {
  const vlab = await VrrpLab.create({ software: 'keepalived', version: 3, advertInt: 0.1, ipv6: true });
  t.after(() => vlab.destroy());
  await runScenario(vlab, async (v) => {
    const cap = await Capture.start(v.lab);
    // masterDown = 0.3 s + 0.061 s
    const { masterDown, prober } = await startWithN1Master(v, { intervalMs: 10, maxDurationMs: ts(30_000) });

    await killN1AwaitN2(v, prober, ts(5000));
    await prober.stop();
    const r = prober.analyze('death');
    t.diagnostic(`host death v3/IPv6: ${JSON.stringify(r)}`);
    assert.notEqual(r.outageMs, undefined);
    assert.ok(r.failedAfterEvent > 0, 'the client noticed the death');
    // Unsolicited neighbour advertisements may lag a little behind the takeover: generous margin.
    assert.ok(r.outageMs! <= masterDown + ts(1000), `outage ${r.outageMs} ms exceeds master_down_interval ${masterDown} ms + margin`);
    const rep = await assertCaptureValid(t, await cap.stop(), 2);
    if (rep) {
      assert.ok(rep.packets.every((p) => p.version === 3));
      // Both nodes were master in turn, so both advertised.
      const prios = rep.packets.map((p) => p.priority);
      assert.ok(prios.includes(150) && prios.includes(100), `priorities seen: ${prios.join(',')}`);
    }
  });
});
