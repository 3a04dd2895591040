// Scenario: a connection that straddles a SIGTERM hand-over. Two halb nodes n1 (150) and n2
// (100), VRRPv3 0.1 s multicast; per-node responders on VIP:8080; client `c`.
// The client opens a connection to the VIP (answered by n1), waits until n2's gratuitous ARP has
// moved its neighbour entry, then sends its request on that connection: the segment reaches n2,
// which never saw the connection.
// Proves:
//   1. without hand-over forwarding (HALB_HANDOVER_FORWARD=0, keepalived's behaviour) n2 resets
//      the connection (ECONNRESET) — the straddle this test builds is real;
//   2. with it (the default), n2 passes the segment on to n1, which still holds the VIP during
//      its release grace, and n1 answers the request; n2 logs the forwarding window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { VrrpLab, runScenario } from '../../src/lab/vrrp-lab.js';
import type { HalbNode } from '../../src/lab/halb-node.js';
import { waitFor } from '../../src/lab/wait.js';
import { scenarioSkip, ts, checkNoLeftoversAfterAll } from './lab-helpers.js';

const skip = await scenarioSkip('halb');
checkNoLeftoversAfterAll();

const STRADDLE = fileURLToPath(new URL('../../src/lab/straddle-main.js', import.meta.url));

interface Outcome {
  readonly ok: boolean;
  readonly body?: string;
  readonly error?: string;
}

/** Until the node's latest VRRP transition (in its log) went to BACKUP: it listens as a backup. */
async function waitBackup(node: HalbNode, timeoutMs: number): Promise<void> {
  await waitFor(
    `${node.host} to be BACKUP`,
    () => {
      const last = readFileSync(node.logPath, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"vrrp_transition"'))
        .at(-1);
      return last !== undefined && (JSON.parse(last) as { to: string }).to === 'BACKUP';
    },
    { timeoutMs, intervalMs: 20 },
  );
}

/** Connects from the client to VIP:8080, stops n1 cleanly, and reports the request's fate. */
async function straddle(v: VrrpLab): Promise<Outcome> {
  const proc = v.lab.spawn(v.client, [process.execPath, STRADDLE, v.vip, '8080', v.lab.host('n2').mac, String(ts(15_000))], { pipe: true, logFile: v.lab.path('straddle.log') });
  const lines = createInterface({ input: proc.child.stdout! });
  const it = lines[Symbol.asyncIterator]();
  const first = await it.next();
  assert.equal(first.value, 'connected', 'client connected to the VIP');
  const stopping = v.node('n1').stop();
  const result = await it.next();
  await stopping;
  await proc.exited;
  assert.ok(!result.done, 'client printed its outcome');
  return JSON.parse(result.value as string) as Outcome;
}

test('halb pair, SIGTERM: a connection opened to the old master just before the ARP switch is answered', { skip, timeout: ts(90_000) }, async (t) => {
  const vlab = await VrrpLab.create({ software: 'halb', version: 3, advertInt: 0.1 });
  t.after(() => vlab.destroy());
  await runScenario(vlab, async (v) => {
    const n2 = v.node('n2') as HalbNode;
    const masterDown = v.masterDownMs('n2');

    // 1. Forwarding off on n2: the straddling connection is reset by n2.
    n2.env = { HALB_HANDOVER_FORWARD: '0' };
    await v.start();
    await v.waitHolder('n1', ts(masterDown + 5000));
    await waitBackup(n2, ts(5000));
    const off = await straddle(v);
    t.diagnostic(`forwarding off: ${JSON.stringify(off)}`);
    assert.equal(off.ok, false);
    assert.equal(off.error, 'ECONNRESET');

    // Back to n1 as master (it preempts), n2 restarted with forwarding on.
    await (v.node('n1') as HalbNode).start();
    await v.waitHolder('n1', ts(masterDown + 5000));
    await n2.stop();
    n2.env = {};
    await n2.start();
    await waitBackup(n2, ts(5000));
    assert.deepEqual(await v.holders(), ['n1']);

    // 2. Forwarding on: n2 passes the segment to n1; n1 answers.
    const on = await straddle(v);
    t.diagnostic(`forwarding on: ${JSON.stringify(on)}`);
    for (const l of readFileSync(n2.logPath, 'utf8')
      .split('\n')
      .filter((l) => /handover|vrrp_transition/.test(l))
      .slice(-4))
      t.diagnostic(`n2: ${l}`);
    for (const l of readFileSync((v.node('n1') as HalbNode).logPath, 'utf8')
      .split('\n')
      .filter((l) => /vrrp_transition|vip/.test(l))
      .slice(-6))
      t.diagnostic(`n1: ${l}`);
    assert.equal(on.ok, true, `request answered (${on.error ?? ''})`);
    assert.match(on.body ?? '', /\bn1\n/, 'answered by the old master');
    const fwd = readFileSync(n2.logPath, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"vrrp_handover_forward"'))
      .map((l) => JSON.parse(l) as { installed: unknown; peer: string });
    assert.equal(fwd.at(-1)?.installed, true, 'n2 logged its forwarding window');
    assert.equal(fwd.at(-1)?.peer, v.lab.host('n1').v4);
  });
});
