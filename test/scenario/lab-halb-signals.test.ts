// Scenario: a keepalived user's signal habits against the halb master.
// Topology: two halb nodes n1 (150) and n2 (100), VRRPv3 0.1 s multicast, each also proxying
// :8088 to backend b1; client `c` requests VIP:responder and VIP:8088 every 20 ms.
// Proves: SIGUSR1, SIGUSR2, SIGQUIT, SIGPIPE, SIGHUP (reload), SIGWINCH and SIGALRM sent to n1's
// halb leave it master and serving — no failed request, each logged signal has its line, nothing
// listens on 9229 in n1's namespace, still exactly one `ip monitor` child; USR1/USR2 wrote
// keepalived.data (State = MASTER) and keepalived.stats (adverts sent) in its TMPDIR. Then a SIGTERM to the
// whole process group (what Ctrl-C, `timeout` and systemd's KillMode do): n2 takes over with no
// failed request, the VIP is gone from n1, halb exited 0 with `received SIGTERM` before
// `halb stopped` and no link_watch_error, and nothing of n1's process group is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import type { HalbNode } from '../../src/lab/halb-node.js';
import { processGroupPids } from '../../src/lab/cpu.js';
import { waitFor } from '../../src/lab/wait.js';
import { scenarioSkip, ts, checkNoLeftoversAfterAll, startWithN1Master } from './lab-helpers.js';

const skip = await scenarioSkip('halb');
checkNoLeftoversAfterAll();

const LB_PORT = 8088;

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

function logLines(node: HalbNode): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const l of readFileSync(node.logPath, 'utf8').split('\n')) {
    if (!l.startsWith('{')) continue;
    try {
      out.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      /* a line being written */
    }
  }
  return out;
}

test('halb master: keepalived signal habits keep it serving; a group SIGTERM hands over cleanly', { skip, timeout: ts(90_000) }, async (t) => {
  const vlab = await VrrpLab.create({ software: 'halb', version: 3, advertInt: 0.1, backends: 1, loadBalancer: { port: LB_PORT } });
  t.after(() => vlab.destroy());
  await runScenario(vlab, async (v) => {
    const { masterDown, prober } = await startWithN1Master(v, { intervalMs: 20, maxDurationMs: ts(60_000) });
    const lb = v.startProber({ port: LB_PORT, intervalMs: 20, maxDurationMs: ts(60_000) });
    await lb.waitSteady(undefined, 10, ts(10_000));
    const n1 = v.node('n1') as HalbNode;
    const leader = n1.pids().find((p) => cmdline(p).includes('halb.js'));
    assert.ok(leader !== undefined, `halb's pid among ${n1.pids().join(' ')}`);
    const monitors = () => processGroupPids(leader).filter((p) => cmdline(p).includes('monitor link'));
    const monitor = monitors();
    assert.equal(monitor.length, 1, 'one ip monitor child');

    await prober.mark('signals');
    await lb.mark('signals');
    for (const sig of ['SIGUSR1', 'SIGUSR2', 'SIGQUIT', 'SIGPIPE', 'SIGHUP', 'SIGWINCH', 'SIGALRM'] as const) {
      process.kill(leader, sig);
      // PIPE and WINCH are ignored without a line (Node's and the kernel's default).
      if (sig !== 'SIGPIPE' && sig !== 'SIGWINCH') {
        await waitFor(`n1's log line for ${sig}`, () => logLines(n1).some((l) => l.event === 'signal' && l.signal === sig), { timeoutMs: ts(5000), intervalMs: 50 });
      }
      await prober.waitSteady('n1', 5, ts(5000));
      assert.ok(n1.running, `halb runs after ${sig}`);
    }
    await waitFor("n1's reload", () => logLines(n1).some((l) => l.event === 'reloaded'), { timeoutMs: ts(5000), intervalMs: 50 });
    // keepalived's dump files, in the node's TMPDIR: what OpenShift's liveness probe greps.
    await waitFor("n1's dump files", () => logLines(n1).filter((l) => l.event === 'state_dump').length >= 2, { timeoutMs: ts(5000), intervalMs: 50 });
    const data = readFileSync(join(n1.dumpDir, 'keepalived.data'), 'utf8');
    assert.match(data, /^ VRRP Instance = VI_1$/m);
    assert.match(data, /^ {3}State = MASTER$/m);
    assert.doesNotMatch(data, /State = FAULT/);
    const stats = readFileSync(join(n1.dumpDir, 'keepalived.stats'), 'utf8');
    assert.match(stats, /^VRRP Instance: VI_1$/m);
    assert.ok(Number(/^ {4}Sent: (\d+)$/m.exec(stats)?.[1]) > 0, `a master has sent adverts:\n${stats}`);
    await lb.waitSteady(undefined, 5, ts(5000));
    assert.deepEqual(await v.holders(), ['n1']);
    const ss = await v.lab.exec('n1', ['ss', '-Hltnp']);
    assert.doesNotMatch(ss.stdout, /:9229\b/, 'nothing listens on 9229 in n1');
    // (halb's other listeners are its frontend and, for its first seconds, the warm-up's loopback copy.)
    assert.ok(
      ss.stdout.split('\n').some((l) => l.includes(`pid=${leader},`) && l.includes(`:${LB_PORT} `)),
      'halb still listens on its frontend',
    );
    assert.deepEqual(monitors(), monitor, 'the same single ip monitor child');
    const during = prober.analyze('signals');
    assert.equal(during.failedAfterEvent, 0, `no failed request while signalled: ${JSON.stringify(during)}`);

    // The group SIGTERM reaches halb and its ip monitor child at once.
    await prober.mark('sigterm');
    await lb.mark('sigterm');
    process.kill(-leader, 'SIGTERM');
    const exit = await n1.stop();
    await prober.waitSteady('n2', 20, ts(masterDown + 5000));
    await v.waitHolder('n2', ts(2000));
    await lb.waitSteady(undefined, 10, ts(5000));
    await prober.stop();
    await lb.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.deepEqual(await v.holders(), ['n2'], 'the VIP is gone from n1');
    assert.deepEqual(processGroupPids(leader), [], "nothing of n1's process group is left");
    assert.equal(prober.analyze('sigterm').failedAfterEvent, 0, 'no failed request during the hand-over');
    assert.equal(lb.analyze('sigterm').failedAfterEvent, 0, 'no failed proxied request during the hand-over');
    const events = logLines(n1).map((l) => String(l.event));
    assert.ok(!events.includes('link_watch_error'), events.join(' '));
    assert.ok(events.indexOf('signal') < events.lastIndexOf('stopped'));
    assert.equal(events.at(-1), 'stopped', `halb stopped is the last line: ${events.slice(-5).join(' ')}`);
    const term = logLines(n1).findIndex((l) => l.event === 'signal' && l.signal === 'SIGTERM');
    assert.ok(term >= 0 && term < events.lastIndexOf('stopped'));
  });
});
