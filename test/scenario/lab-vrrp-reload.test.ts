// Scenario: live VRRP reload (SIGHUP) between two halb nodes, keepalived's reload semantics.
// Topology: n1 (priority 150) and n2 (100), VRRPv3 advert 0.5 s, multicast, two instances
// VI_1 (VIP .100) and VI_2 (.101), both mastered by n1; a client `c`.
// Proves:
//   1. a VIP added to VI_1 (both nodes reloaded, as an operator would) appears on n1 with no
//      VRRP state change on either node, and n2 never holds any VI_1 address;
//   2. n1 reloaded with VI_1 at priority 50 (< 100): n2 takes VI_1 over, VI_2 stays on n1;
//   3. n1 reloaded without VI_2: n1 stops it with a priority-0 advert and n2 takes it over
//      while n1 still holds it (make-before-break: n1 logs `new-master-heard`), well before
//      n2's own Master_Down_Interval would have elapsed.
//   4. a node started as a load balancer only gains VRRP on SIGHUP: it joins as BACKUP, keeps
//      serving, and takes the VIP when the master's host dies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { renderKeepalivedConf, type VrrpInstanceSpec, type VrrpNodeConfig } from '../../src/lab/keepalived-conf.js';
import { HalbNode } from '../../src/lab/halb-node.js';
import { waitFor, sleep } from '../../src/lab/wait.js';
import { scenarioSkip, ts, checkNoLeftoversAfterAll, nodeLogEvents, halbDaemonPid } from './lab-helpers.js';

checkNoLeftoversAfterAll();

interface LogEvent {
  readonly event?: string;
  readonly instance?: string;
  readonly from?: string;
  readonly to?: string;
  readonly reason?: string;
  readonly action?: string;
}

const events = (node: HalbNode): LogEvent[] => nodeLogEvents<LogEvent>(node);
const daemonPid = halbDaemonPid;

/** Writes the node's new config and SIGHUPs it; resolves once it logged the reload. */
async function reload(node: HalbNode, config: VrrpNodeConfig): Promise<void> {
  const before = events(node).filter((e) => e.event === 'reloaded').length;
  writeFileSync(node.confPath, renderKeepalivedConf(config));
  process.kill(daemonPid(node), 'SIGHUP');
  await waitFor(`${node.host} to reload`, () => events(node).filter((e) => e.event === 'reloaded').length > before, { timeoutMs: ts(10_000), intervalMs: 50 });
}

function withInstance(c: VrrpNodeConfig, name: string, f: (i: VrrpInstanceSpec) => VrrpInstanceSpec | undefined): VrrpNodeConfig {
  return { ...c, instances: c.instances.flatMap((i) => (i.name === name ? [f(i)].filter((x): x is VrrpInstanceSpec => x !== undefined) : [i])) };
}

const transitions = (node: HalbNode): LogEvent[] => events(node).filter((e) => e.event === 'vrrp_transition');

const skip = await scenarioSkip('halb');
test('halb pair: SIGHUP applies VRRP changes live (added VIP, lowered priority, removed instance)', { skip, timeout: ts(60_000) }, async (t) => {
  const vlab = await VrrpLab.create({ software: 'halb', version: 3, advertInt: 0.5, instances: 2 });
  t.after(() => vlab.destroy());
  await runScenario(vlab, async (v) => {
    const n1 = v.node('n1') as HalbNode;
    const n2 = v.node('n2') as HalbNode;
    const [vip1, vip2] = v.vips as [string, string];
    const extra = vip1.replace(/\.\d+$/, '.110');
    await v.start();
    const masterDown = v.masterDownMs('n2');
    await v.waitHolder('n1', ts(masterDown + 5000));

    // 1. Added VIP, both nodes reloaded together.
    const settled = { n1: transitions(n1).length, n2: transitions(n2).length };
    const add = (c: VrrpNodeConfig) => withInstance(c, 'VI_1', (i) => ({ ...i, vips: [...i.vips, `${extra}/24`] }));
    const c1 = add(v.configs.get('n1')!);
    const c2 = add(v.configs.get('n2')!);
    await Promise.all([reload(n1, c1), reload(n2, c2)]);
    await waitFor(`${extra} on n1`, async () => (await v.holders(extra)).join() === 'n1', { timeoutMs: ts(3000), intervalMs: 50 });
    // Watch for longer than n2's Master_Down_Interval: a rejected advert would show by now.
    const watchUntil = performance.now() + masterDown + 1000;
    while (performance.now() < watchUntil) {
      for (const a of [vip1, extra]) assert.ok(!(await v.holders(a)).includes('n2'), `n2 holds ${a}`);
      await sleep(100);
    }
    assert.deepEqual(transitions(n1).slice(settled.n1), [], 'no state change on n1');
    assert.deepEqual(transitions(n2).slice(settled.n2), [], 'no state change on n2');
    const upd = events(n1).find((e) => e.event === 'vrrp_reload' && e.instance === 'VI_1');
    assert.equal(upd?.action, 'update');

    // 2. n1's VI_1 priority below n2's: n2 takes VI_1, VI_2 stays on n1.
    const c1low = withInstance(c1, 'VI_1', (i) => ({ ...i, priority: 50 }));
    await reload(n1, c1low);
    await waitFor('n2 to hold VI_1', async () => (await v.holders(vip1)).join() === 'n2' && (await v.holders(extra)).join() === 'n2', { timeoutMs: ts(masterDown + 5000), intervalMs: 50 });
    assert.deepEqual(await v.holders(vip2), ['n1'], 'VI_2 untouched');
    assert.ok(transitions(n1).some((e) => e.instance === 'VI_1' && e.from === 'MASTER' && e.to === 'BACKUP' && e.reason === 'higher-priority'));
    assert.ok(!transitions(n1).some((e) => e.instance === 'VI_2' && e.from === 'MASTER'), 'VI_2 never left MASTER on n1');

    // 3. VI_2 removed from n1: priority 0, n2 takes over before n1 lets go.
    const c1rm = withInstance(c1low, 'VI_2', () => undefined);
    const t0 = performance.now();
    await reload(n1, c1rm);
    await waitFor('n2 to hold VI_2', async () => (await v.holders(vip2)).join() === 'n2', { timeoutMs: ts(masterDown + 3000), intervalMs: 20 });
    const took = performance.now() - t0;
    t.diagnostic(`VI_2 moved to n2 ${Math.round(took)} ms after n1's SIGHUP (n2 Master_Down_Interval ${masterDown} ms)`);
    const stopped = transitions(n1).filter((e) => e.instance === 'VI_2' && e.to === 'STOPPED');
    assert.equal(stopped.at(-1)?.reason, 'new-master-heard', 'n2 took over during the make-before-break hold');
    assert.ok(transitions(n2).some((e) => e.instance === 'VI_2' && e.to === 'MASTER'));
    assert.deepEqual(await v.holders(vip1), ['n2']);
  });
});

test('halb node started without VRRP gains its instance on SIGHUP and then takes over', { skip, timeout: ts(60_000) }, async (t) => {
  const vlab = await VrrpLab.create({ software: 'halb', version: 3, advertInt: 0.5, backends: 1, loadBalancer: { port: 8088 } });
  t.after(() => vlab.destroy());
  await runScenario(vlab, async (v) => {
    const full = v.configs.get('n2')!;
    // n2 boots with the proxy and no vrrp_instance (its keepalived.conf has only global_defs).
    const n2 = new HalbNode(v.lab, 'n2', { ...full, instances: [] }, v.haproxyCfg());
    v.software.set('n2', n2);
    await v.start();
    const masterDown = v.masterDownMs('n2');
    await v.waitHolder('n1', ts(masterDown + 5000));
    assert.equal(transitions(n2).length, 0, 'n2 runs no VRRP yet');

    await reload(n2, full);
    await waitFor('n2 to join as BACKUP', () => transitions(n2).some((e) => e.instance === 'VI_1' && e.to === 'BACKUP'), { timeoutMs: ts(3000), intervalMs: 50 });
    assert.deepEqual(await v.holders(), ['n1'], 'n1 keeps the VIP');

    // The client talks to the VIP (per-node responders), then n1's host dies: n2 must answer.
    const prober = v.startProber();
    t.after(() => prober.stop());
    await prober.waitSteady('n1', 20, ts(5000));
    await v.hostDeath('n1');
    await prober.waitSteady('n2', 20, ts(masterDown + 5000));
    await v.waitArp('n2', ts(2000));
    await prober.stop();
    assert.ok(transitions(n2).some((e) => e.instance === 'VI_1' && e.to === 'MASTER'));
  });
});
