// Scenario: the lab's track-script and nopreempt knobs reach keepalived. A failing track script
// (weight −60: 150 → 90 < 100) moves the VIP to the backup and back when it recovers; with
// nopreempt, a revived higher-priority node leaves the VIP where it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { sleep } from '../../src/lab/wait.js';
import { scenarioSkip, ts, checkNoLeftoversAfterAll } from './lab-helpers.js';

const skip = await scenarioSkip('keepalived');
checkNoLeftoversAfterAll();

test('keepalived pair: a failing track script moves the VIP, its recovery moves it back', { skip, timeout: ts(60_000) }, async (t) => {
  const vlab = await VrrpLab.create({ software: 'keepalived', version: 3, advertInt: 0.1, trackScript: true });
  t.after(() => vlab.destroy());
  await runScenario(vlab, async (v) => {
    await v.start();
    await v.waitHolder('n1', ts(10_000));
    const prober = v.startProber({ maxDurationMs: ts(40_000) });
    await prober.waitSteady('n1', 20, ts(5000));
    v.setTrackFailing('n1', true);
    // Script interval 1 s, fall 1: within ~2 s n1 advertises 90 and n2 preempts it.
    await prober.waitSteady('n2', 20, ts(8000));
    await v.waitHolder('n2', ts(2000));
    v.setTrackFailing('n1', false);
    await prober.waitSteady('n1', 20, ts(8000));
    await v.waitHolder('n1', ts(2000));
    await prober.stop();
  });
});

test('keepalived pair with nopreempt: the revived higher-priority node does not take the VIP back', { skip, timeout: ts(60_000) }, async (t) => {
  const vlab = await VrrpLab.create({ software: 'keepalived', version: 3, advertInt: 0.1, nopreempt: true });
  t.after(() => vlab.destroy());
  await runScenario(vlab, async (v) => {
    await v.start();
    await v.waitHolder('n1', ts(10_000));
    await v.hostDeath('n1');
    await v.waitHolder('n2', ts(5000)).catch(async () => {
      // n1 still has its VIP configured (SIGKILL); only n2 matters here.
      assert.ok((await v.holders()).includes('n2'));
    });
    await v.hostRevive('n1');
    const prober = v.startProber({ maxDurationMs: ts(20_000) });
    await prober.waitSteady('n2', 20, ts(5000));
    // Many master_down_intervals (0.36 s) pass: with preemption n1 would have taken over by now.
    await sleep(ts(3000));
    assert.deepEqual(await v.holders(), ['n2']);
    await prober.stop();
    assert.equal(prober.recentSummary(2500)['n1'], undefined, 'n1 never answered after its revival');
  });
});
