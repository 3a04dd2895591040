// Scenario: a VRRP master under hostile input and under an event-loop stall.
// Topology: two halb nodes n1 (priority 150) and n2 (100) on one bridge, a client host `c`
// that is no member of the VRRP group; each node serves /metrics on its own loopback.
// Proves:
//  - an advert with the group's PASS secret and priority 254, unicast from `c` to n1's own
//    address, does not make n1 yield, in multicast mode (dropped: not sent to the group) and in
//    unicast mode (dropped: `c` is not a unicast_peer), as keepalived; the drops are counted by
//    reason in halb_vrrp_adverts_rejected_total; adverts of another VRID count in
//    halb_vrrp_adverts_other_vrid_total;
//  - SIGSTOP of the master longer than n2's Master_Down_Interval: n2 takes over; on SIGCONT n1
//    re-checks the queued adverts before acting, re-asserts (preemption, higher priority), and
//    n1 alone holds the VIP again; n2 stops advertising as master within one advert round of
//    n1's first advert; the stall is logged (vrrp_stall) and counted (halb_vrrp_stalls_total);
//  - SIGSTOP of the backup as long: on SIGCONT its Master_Down deadline is long past, but it hears
//    n1's queued adverts first and stays backup (before, it took over for a moment).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VrrpLab, runScenario, FIRST_VRID } from '../../src/lab/vrrp-lab.js';
import { AdvertWatcher } from '../../src/lab/capture.js';
import { sleep, waitFor } from '../../src/lab/wait.js';
import type { HalbNode } from '../../src/lab/halb-node.js';
import { encodeAdvert, passwordAuthData } from '../../src/vrrp/packet.js';
import { scenarioSkip, ts, checkNoLeftoversAfterAll, startWithN1Master } from './lab-helpers.js';

const skip = await scenarioSkip('halb');
checkNoLeftoversAfterAll();

const STATS_PORT = 18404;
const PASS = 'labpass';

// Sends a raw IP protocol 112 datagram (TTL 255) `count` times, `gapMs` apart; to a multicast
// group out of the interface that has address argv[5].
const SENDER = [
  'import socket, sys, time',
  's = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)',
  's.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 255)',
  's.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)',
  'if len(sys.argv) > 5: s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(sys.argv[5]))',
  'p = bytes.fromhex(sys.argv[2])',
  'for i in range(int(sys.argv[3])):',
  '    s.sendto(p, (sys.argv[1], 0))',
  '    time.sleep(int(sys.argv[4]) / 1000)',
].join('\n');

for (const unicast of [false, true]) {
  const mode = unicast ? 'unicast' : 'multicast';
  const reason = unicast ? 'unicast-peer' : 'unicast-dst';
  test(`halb pair, v2 PASS ${mode}: a PASS advert unicast to the master from a non-member is dropped (${reason})`, { skip, timeout: ts(60_000) }, async (t) => {
    const vlab = await VrrpLab.create({ software: 'halb', version: 2, advertInt: 1, unicast, authPass: PASS, statsPort: STATS_PORT });
    t.after(() => vlab.destroy());
    await runScenario(vlab, async (v) => {
      const { prober } = await startWithN1Master(v, { maxDurationMs: ts(40_000) });
      await prober.stop();
      const n1 = v.lab.host('n1').v4;
      const c = v.lab.host('c').v4;
      const payload = encodeAdvert(
        { version: 2, family: 4, vrid: FIRST_VRID, priority: 254, advertInt: 1000, addresses: [v.vip], authType: 1, authData: passwordAuthData(PASS), reserved: 0 },
        { src: c, dst: n1, pseudoHeader: false },
      );
      const sent = 8;
      const stepDown = 'halb_vrrp_transitions_total{instance="VI_1",from="MASTER",to="BACKUP"}';
      const stepDownsBefore = (await v.metrics('n1')).get(stepDown) ?? 0;
      await v.lab.exec('c', ['python3', '-c', SENDER, n1, Buffer.from(payload).toString('hex'), String(sent), '250'], { timeoutMs: ts(15_000) });
      const series = `halb_vrrp_adverts_rejected_total{instance="VI_1",reason="${reason}"}`;
      const dropped = await waitFor(
        `n1 to count ${sent} drops`,
        async () => {
          const n = (await v.metrics('n1')).get(series) ?? 0;
          return n >= sent ? n : undefined;
        },
        { timeoutMs: ts(5000), intervalMs: 200 },
      );
      t.diagnostic(`${series} = ${dropped}`);
      // Accepted, priority 254 would have made n1 step down at the first packet.
      assert.deepEqual(await v.holders(), ['n1']);
      const m = await v.metrics('n1');
      assert.equal(m.get('halb_vrrp_state{instance="VI_1",state="MASTER"}'), 1);
      assert.equal(m.get(stepDown) ?? 0, stepDownsBefore, 'n1 did not step down');

      // Another group's adverts on the link (VRID 99; to the group, or to n1 in unicast mode):
      // the raw socket filters them out before any instance, and they still count.
      const otherVrid = 'halb_vrrp_adverts_other_vrid_total{instance="VI_1"}';
      const dst = unicast ? n1 : '224.0.0.18';
      const other = encodeAdvert(
        { version: 2, family: 4, vrid: 99, priority: 100, advertInt: 1000, addresses: ['10.1.2.3'], authType: 0, authData: new Uint8Array(8), reserved: 0 },
        { src: c, dst, pseudoHeader: false },
      );
      await v.lab.exec('c', ['python3', '-c', SENDER, dst, Buffer.from(other).toString('hex'), '3', '50', c], { timeoutMs: ts(15_000) });
      const counted = await waitFor(
        'n1 to count the other VRID',
        async () => {
          const n = (await v.metrics('n1')).get(otherVrid) ?? 0;
          return n >= 3 ? n : undefined;
        },
        { timeoutMs: ts(5000), intervalMs: 200 },
      );
      t.diagnostic(`${otherVrid} = ${counted}`);
    });
  });
}

test('halb pair, v3 0.1 s: SIGSTOP of the master past Master_Down, then SIGCONT: one holder again, stall logged and counted', { skip, timeout: ts(60_000) }, async (t) => {
  const vlab = await VrrpLab.create({ software: 'halb', version: 3, advertInt: 0.1, statsPort: STATS_PORT });
  t.after(() => vlab.destroy());
  await runScenario(vlab, async (v) => {
    const { masterDown, prober } = await startWithN1Master(v, { maxDurationMs: ts(40_000) });
    await prober.stop();
    const watch = await AdvertWatcher.start(v.lab);
    t.after(() => watch.stop());
    const n1 = v.node('n1') as HalbNode;
    const pids = n1.pids();
    assert.ok(pids.length > 0, 'n1 runs');
    const stopMs = Math.max(1500, 3 * masterDown);
    const resumed = { at: 0 };
    try {
      for (const p of pids) process.kill(p, 'SIGSTOP');
      // During the stop n1 still has the VIP configured (its kernel answers ARP for it): that
      // window is what a crash guardian would close (docs/vrrp.md).
      await waitFor('n2 to take the VIP', async () => ((await v.holders()).includes('n2') ? true : undefined), { timeoutMs: ts(masterDown + 3000), intervalMs: 50 });
      await sleep(stopMs);
    } finally {
      resumed.at = performance.now();
      for (const p of pids) process.kill(p, 'SIGCONT');
    }
    await v.waitHolder('n1', ts(5000));
    await v.waitArp('n1', ts(3000));
    const line = await waitFor(
      'n1 to log the stall',
      () => {
        const l = readFileSync(n1.logPath, 'utf8')
          .split('\n')
          .find((x) => x.includes('"event":"vrrp_stall"'));
        return l ? (JSON.parse(l) as { stallMs: number; instance: string; state: string }) : undefined;
      },
      { timeoutMs: ts(3000), intervalMs: 50 },
    );
    t.diagnostic(`n1: ${JSON.stringify(line)}`);
    assert.equal(line.instance, 'VI_1');
    assert.equal(line.state, 'MASTER');
    assert.ok(line.stallMs >= stopMs, `stall ${line.stallMs} ms, stopped ${stopMs} ms`);
    assert.ok(((await v.metrics('n1')).get('halb_vrrp_stalls_total{instance="VI_1"}') ?? 0) >= 1);
    assert.equal((await v.metrics('n2')).get('halb_vrrp_stalls_total{instance="VI_1"}'), 0, 'n2 did not stall');
    // Both advertising as master: at most one advert round after n1's first advert since SIGCONT.
    const n1Addr = v.lab.host('n1').v4;
    const n2Addr = v.lab.host('n2').v4;
    const after = watch.seen.filter((a) => a.at >= resumed.at);
    const first = after.findIndex((a) => a.src === n1Addr && a.priority === 150);
    assert.ok(first >= 0, 'n1 advertised after SIGCONT');
    const n2AsMaster = after.slice(first + 1).filter((a) => a.src === n2Addr && a.priority > 0).length;
    t.diagnostic(`adverts after SIGCONT: ${after.length}; n2 as master after n1's first: ${n2AsMaster}`);
    assert.ok(n2AsMaster <= 1, `n2 kept advertising as master: ${n2AsMaster} adverts after n1's`);
  });
});

test('halb pair, v3 0.1 s: SIGSTOP of the backup past Master_Down, then SIGCONT: it hears the live master and stays backup', { skip, timeout: ts(60_000) }, async (t) => {
  const vlab = await VrrpLab.create({ software: 'halb', version: 3, advertInt: 0.1, statsPort: STATS_PORT });
  t.after(() => vlab.destroy());
  await runScenario(vlab, async (v) => {
    const { masterDown, prober } = await startWithN1Master(v, { maxDurationMs: ts(40_000) });
    await prober.stop();
    const n2 = v.node('n2') as HalbNode;
    const pids = n2.pids();
    assert.ok(pids.length > 0, 'n2 runs');
    // Nodes start one after the other: n2 may have been master for a moment before n1 came up.
    const toMaster = 'halb_vrrp_transitions_total{instance="VI_1",from="BACKUP",to="MASTER"}';
    const takeoversBefore = (await v.metrics('n2')).get(toMaster) ?? 0;
    try {
      for (const p of pids) process.kill(p, 'SIGSTOP');
      await sleep(Math.max(1500, 3 * masterDown));
    } finally {
      for (const p of pids) process.kill(p, 'SIGCONT');
    }
    const line = await waitFor(
      'n2 to log the stall',
      () => {
        const l = readFileSync(n2.logPath, 'utf8')
          .split('\n')
          .find((x) => x.includes('"event":"vrrp_stall"'));
        return l ? (JSON.parse(l) as { stallMs: number; state: string }) : undefined;
      },
      { timeoutMs: ts(3000), intervalMs: 50 },
    );
    t.diagnostic(`n2: ${JSON.stringify(line)}`);
    assert.equal(line.state, 'BACKUP');
    // Acting on its expired Master_Down timer before reading n1's queued adverts, n2 would have
    // become MASTER for a moment (and announced the VIP).
    const m = await v.metrics('n2');
    assert.equal(m.get(toMaster) ?? 0, takeoversBefore, 'n2 did not become master after the stop');
    assert.equal(m.get('halb_vrrp_state{instance="VI_1",state="BACKUP"}'), 1);
    assert.ok((m.get('halb_vrrp_stalls_total{instance="VI_1"}') ?? 0) >= 1);
    assert.deepEqual(await v.holders(), ['n1']);
  });
});
