// Scenario: a VRRP master reloaded (SIGHUP) with a keepalived.conf that includes /dev/zero, then
// one that includes a FIFO nobody writes to, keeps advertising: the backup never takes over.
// Topology: n1 (priority 150) and n2 (100), halb on both, VRRPv3 advert 0.5 s, one instance.
// Before: n1 read /dev/zero until memory ran out (the FIFO: blocked in open forever), its event
// loop stopped, so it sent no advert but kept the VIP; n2 took over and both held the address.
// Proves: n1 logs each refusal with the include's file:line, n2 stays BACKUP for longer than its
// Master_Down_Interval after each SIGHUP, no node changes state, and only n1 holds the VIP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import { renderKeepalivedConf } from '../../src/lab/keepalived-conf.js';
import type { HalbNode } from '../../src/lab/halb-node.js';
import { waitFor, sleep } from '../../src/lab/wait.js';
import { scenarioSkip, ts, checkNoLeftoversAfterAll, nodeLogEvents, halbDaemonPid } from './lab-helpers.js';

checkNoLeftoversAfterAll();

interface LogEvent {
  readonly event?: string;
  readonly instance?: string;
  readonly diagnostics?: string[];
}

const events = (node: HalbNode): LogEvent[] => nodeLogEvents<LogEvent>(node);
const daemonPid = halbDaemonPid;

const skip = await scenarioSkip('halb');
test('halb master SIGHUPed with an include of /dev/zero or a FIFO keeps advertising: no takeover', { skip, timeout: ts(60_000) }, async (t) => {
  const vlab = await VrrpLab.create({ software: 'halb', version: 3, advertInt: 0.5 });
  t.after(() => vlab.destroy());
  await runScenario(vlab, async (v) => {
    const n1 = v.node('n1') as HalbNode;
    const n2 = v.node('n2') as HalbNode;
    await v.start();
    const masterDown = v.masterDownMs('n2');
    await v.waitHolder('n1', ts(masterDown + 5000));
    const fifo = v.lab.path('hostile.fifo');
    execFileSync('mkfifo', [fifo]);
    const good = renderKeepalivedConf(v.configs.get('n1')!);
    const includeLine = good.split('\n').length + 1;
    const settled = { n1: events(n1).filter((e) => e.event === 'vrrp_transition').length, n2: events(n2).filter((e) => e.event === 'vrrp_transition').length };

    let rejected = 0;
    for (const target of ['/dev/zero', fifo]) {
      writeFileSync(n1.confPath, `${good}\ninclude ${target}\n`);
      process.kill(daemonPid(n1), 'SIGHUP');
      await waitFor(`n1 to refuse the include of ${target}`, () => events(n1).filter((e) => e.event === 'reload_rejected').length > rejected, { timeoutMs: ts(10_000), intervalMs: 50 });
      rejected++;
      const diag = (
        events(n1)
          .filter((e) => e.event === 'reload_rejected')
          .at(-1)?.diagnostics ?? []
      ).join('\n');
      assert.match(diag, new RegExp(`keepalived\\.conf:${includeLine}: error: 'include': cannot read '${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}': not a regular file`));
      // A stalled master would lose the VIP to n2 within its Master_Down_Interval: watch longer.
      const watchUntil = performance.now() + masterDown + 1000;
      while (performance.now() < watchUntil) {
        assert.deepEqual(await v.holders(), ['n1'], `only n1 holds the VIP after the ${target} reload`);
        await sleep(100);
      }
    }
    const transitions = (n: HalbNode) => events(n).filter((e) => e.event === 'vrrp_transition');
    assert.deepEqual(transitions(n1).slice(settled.n1), [], 'no state change on n1');
    assert.deepEqual(transitions(n2).slice(settled.n2), [], 'no state change on n2');
  });
});
