// Scenario: a failing `vrrp_script` moves the VIP, its recovery moves it back; halb and, as the
// reference, keepalived. Topology: n1 (150) and n2 (100), VRRPv3 0.1 s, multicast, client `c`.
// The track script has weight −60 (150 → 90 < 100), interval 1 s, fall 1, rise 1.
import { test } from 'node:test';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { SOFTWARE_KINDS } from '../../src/lab/node-software.js';
import { scenarioSkip, ts, checkNoLeftoversAfterAll } from './lab-helpers.js';

checkNoLeftoversAfterAll();

for (const software of SOFTWARE_KINDS) {
  const skip = await scenarioSkip(software);
  test(`${software} pair: a failing track script moves the VIP, its recovery moves it back`, { skip, timeout: ts(60_000) }, async (t) => {
    const vlab = await VrrpLab.create({ software, version: 3, advertInt: 0.1, trackScript: true });
    t.after(() => vlab.destroy());
    await runScenario(vlab, async (v) => {
      await v.start();
      await v.waitHolder('n1', ts(10_000));
      const prober = v.startProber({ maxDurationMs: ts(40_000) });
      await prober.waitSteady('n1', 20, ts(5000));
      v.setTrackFailing('n1', true);
      // Within ~2 s n1 advertises 90 and n2 preempts it.
      await prober.waitSteady('n2', 20, ts(8000));
      await v.waitHolder('n2', ts(2000));
      await v.waitArp('n2', ts(2000));
      v.setTrackFailing('n1', false);
      await prober.waitSteady('n1', 20, ts(8000));
      await v.waitHolder('n1', ts(2000));
      await v.waitArp('n1', ts(2000));
      await prober.stop();
    });
  });
}
