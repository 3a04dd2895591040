// Scenario template for halb nodes: the same checks as the keepalived lab scenarios, with
// `halb run --keepalived` as the node software (and one mixed halb/keepalived group). Skipped, with
// the reason, until this build's CLI offers `halb run --keepalived` (detected, not assumed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { Capture } from '../../src/lab/capture.js';
import type { SoftwareKind } from '../../src/lab/node-software.js';
import { scenarioSkip, ts, assertCaptureValid, checkNoLeftoversAfterAll } from './lab-helpers.js';

const skip = await scenarioSkip('halb', 'keepalived');
checkNoLeftoversAfterAll();

for (const software of [['halb', 'halb'], ['keepalived', 'halb'], ['halb', 'keepalived']] as SoftwareKind[][]) {
  test(`${software.join('+')} pair: host death moves the VIP, SIGTERM hands it back`, { skip, timeout: ts(60_000) }, async (t) => {
    const vlab = await VrrpLab.create({ software, version: 3, advertInt: 0.1 });
    t.after(() => vlab.destroy());
    await runScenario(vlab, async (v) => {
      const cap = await Capture.start(v.lab);
      await v.start();
      const masterDown = v.masterDownMs('n2');
      await v.waitHolder('n1', ts(masterDown + 5000));
      const prober = v.startProber({ maxDurationMs: ts(40_000) });
      await prober.waitSteady('n1', 20, ts(5000));
      await v.waitArp('n1', ts(2000));

      await prober.mark('death');
      await v.hostDeath('n1');
      await prober.waitSteady('n2', 20, ts(masterDown + 5000));
      const death = prober.analyze('death');
      t.diagnostic(`host death: ${JSON.stringify(death)}`);
      assert.ok(death.outageMs !== undefined && death.outageMs <= masterDown + ts(1000));

      await v.hostRevive('n1');
      await prober.waitSteady('n1', 20, ts(masterDown + 8000));
      await prober.mark('sigterm');
      await v.node('n1').stop();
      await prober.waitSteady('n2', 20, ts(masterDown + 5000));
      await prober.stop();
      const term = prober.analyze('sigterm');
      t.diagnostic(`sigterm: ${JSON.stringify(term)}`);
      assert.ok(term.outageMs !== undefined && term.outageMs < masterDown);
      await assertCaptureValid(t, await cap.stop(), 5);
    });
  });
}
