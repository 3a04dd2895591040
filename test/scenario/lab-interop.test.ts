// Scenario: halb and the real keepalived (Debian package) in one VRRP group, both directions, for
// VRRPv2 (advert 1 s, auth PASS) and VRRPv3 (advert 0.1 s), multicast and unicast.
// Topology: n1 (priority 150) and n2 (100), one running keepalived and the other halb on the same
// keepalived.conf settings; a client `c` requesting VIP:8080 where every node's responder answers
// with its name.
// Proves, per case: the client is answered by n1 (and its ARP entry points at n1); when n1's host
// dies (link down + kill -9), the other implementation takes over within master_down_interval
// (keepalived master → halb takes over, or halb master → keepalived takes over); when n1 comes
// back, it preempts n2 (the other direction of the hand-over); every captured packet from either
// implementation decodes as valid VRRP in tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { Capture } from '../../src/lab/capture.js';
import type { SoftwareKind } from '../../src/lab/node-software.js';
import { scenarioSkip, ts, assertCaptureValid, checkNoLeftoversAfterAll, startWithN1Master, killN1AwaitN2 } from './lab-helpers.js';

const skip = await scenarioSkip('halb', 'keepalived');
checkNoLeftoversAfterAll();

const SETTINGS = [
  { label: 'v2 1 s PASS multicast', version: 2, advertInt: 1, authPass: 'labpass', unicast: false },
  { label: 'v2 1 s PASS unicast', version: 2, advertInt: 1, authPass: 'labpass', unicast: true },
  { label: 'v3 0.1 s multicast', version: 3, advertInt: 0.1, unicast: false },
  { label: 'v3 0.1 s unicast', version: 3, advertInt: 0.1, unicast: true },
] as const;
const DIRECTIONS: ReadonlyArray<readonly [SoftwareKind, SoftwareKind]> = [
  ['keepalived', 'halb'],
  ['halb', 'keepalived'],
];

for (const s of SETTINGS) {
  for (const [master, backup] of DIRECTIONS) {
    test(`${s.label}: ${master} master dies → ${backup} takes over; ${master} restarts → preempts back`, { skip, timeout: ts(60_000) }, async (t) => {
      const vlab = await VrrpLab.create({
        software: [master, backup],
        version: s.version,
        advertInt: s.advertInt,
        unicast: s.unicast,
        ...('authPass' in s ? { authPass: s.authPass } : {}),
      });
      t.after(() => vlab.destroy());
      await runScenario(vlab, async (v) => {
        const cap = await Capture.start(v.lab);
        const { masterDown, prober } = await startWithN1Master(v, { maxDurationMs: ts(45_000) });

        await killN1AwaitN2(v, prober, ts(masterDown + 5000));
        const death = prober.analyze('death');
        t.diagnostic(`${master} n1 dies, ${backup} n2 takes over: ${JSON.stringify(death)}`);
        assert.notEqual(death.outageMs, undefined, 'the client recovered');
        assert.ok(death.outageMs! <= masterDown + ts(1000), `outage ${death.outageMs} ms exceeds master_down_interval ${masterDown} ms + margin`);
        assert.equal(death.firstNodeAfterRecovery ?? 'n2', 'n2');

        await v.hostRevive('n1');
        await prober.waitSteady('n1', 20, ts(masterDown + 8000));
        await v.waitHolder('n1', ts(3000));
        await v.waitArp('n1', ts(2000));
        await prober.stop();
        const rep = await assertCaptureValid(t, await cap.stop(), 5);
        if (rep) {
          assert.ok(
            rep.packets.every((p) => p.version === s.version),
            'every packet has the configured version',
          );
          const prios = new Set(rep.packets.map((p) => p.priority));
          assert.ok(prios.has(150) && prios.has(100), `both implementations advertised (priorities seen: ${[...prios].join(',')})`);
        }
      });
    });
  }
}
