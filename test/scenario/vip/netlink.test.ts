// Scenario: the takeover fast path's rtnetlink requests against the real kernel.
// Topology: one namespace with a veth pair d0-d1 (created by this test, deleted with it).
// Proves: addresses added through the addon's netlink request appear as `ip addr add` would add
// them (prefix, label, IPv6 without DAD), removal works, and each kernel refusal comes back as a
// VipNetlinkError naming the equivalent ip command and the errno (EEXIST, EADDRNOTAVAIL, ENODEV);
// a prefix out of range is refused before anything is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { BareLab as Lab } from '../../../src/lab/bare-lab.js';
import { requireRoot } from '../../../src/lab/root.js';
import { scaled as ms } from '../../helpers/timescale.js';

const AGENT = fileURLToPath(new URL('./_netlink-agent.js', import.meta.url));

interface Addr {
  readonly family: string;
  readonly local: string;
  readonly prefixlen: number;
  readonly label?: string;
  readonly tentative?: boolean;
}

test('VIP add/remove through rtnetlink (addon) in a namespace', { skip: (await requireRoot()) ?? false, timeout: ms(60_000) }, async (t) => {
  const lab = new Lab();
  t.after(() => lab.cleanup());
  const ns = await lab.netns();
  await lab.exec(ns, 'ip', ['link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
  await lab.exec(ns, 'ip', ['link', 'set', 'd0', 'up']);
  const addrs = async (): Promise<Addr[]> => {
    const j = JSON.parse(await lab.exec(ns, 'ip', ['-j', 'addr', 'show', 'dev', 'd0'])) as Array<{ addr_info: Addr[] }>;
    return j[0]!.addr_info.filter((a) => a.local.startsWith('198.51.100.') || a.local.startsWith('fd77:1:'));
  };
  const agent = lab.spawn(ns, process.execPath, [AGENT]);
  const lines = createInterface({ input: agent.stdout! })[Symbol.asyncIterator]();
  let stderr = '';
  agent.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const step = async (): Promise<Record<string, unknown>> => {
    agent.stdin!.write('next\n');
    const r = await Promise.race([lines.next(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`agent silent; stderr: ${stderr}`)), ms(10_000)))]);
    assert.ok(!r.done, `agent exited; stderr: ${stderr}`);
    return JSON.parse(r.value) as Record<string, unknown>;
  };

  const a1 = await step();
  if (a1.step === 'unavailable') {
    t.skip('addon built without the netlink request');
    return;
  }
  assert.deepEqual(a1, { step: 'add-v4', ok: true });
  const v4 = (await addrs()).find((a) => a.local === '198.51.100.7');
  assert.ok(v4, 'IPv4 VIP present');
  assert.equal(v4.prefixlen, 24);
  assert.equal(v4.label, 'd0:vip');

  const again = await step();
  assert.equal(again.ok, false);
  assert.equal(again.isNetlinkError, true);
  assert.equal(again.code, 'HALB_VIP_NETLINK');
  assert.equal(again.errnoCode, 'EEXIST');
  assert.match(String(again.message), /^ip addr add 198\.51\.100\.7\/24 dev d0 \(netlink\) failed: rtnetlink: File exists \(EEXIST\)/);

  assert.deepEqual(await step(), { step: 'add-v6', ok: true });
  const v6 = (await addrs()).find((a) => a.local === 'fd77:1::7');
  assert.ok(v6, 'IPv6 VIP present');
  assert.equal(v6.prefixlen, 64);
  assert.notEqual(v6.tentative, true, 'nodad: usable at once');

  const nodev = await step();
  assert.equal(nodev.ok, false);
  assert.equal(nodev.errnoCode, 'ENODEV');
  assert.match(String(nodev.message), /dev nosuchdev0 .*no interface named nosuchdev0/);

  const badPrefix = await step();
  assert.equal(badPrefix.ok, false);
  assert.match(String(badPrefix.message), /prefix 40 out of range 0-32/);
  assert.deepEqual(await step(), { step: 'checkpoint', ok: true });
  assert.deepEqual((await addrs()).map((a) => a.local).sort(), ['198.51.100.10', '198.51.100.7', 'fd77:1::7'], 'nothing added by the refused requests');

  assert.deepEqual(await step(), { step: 'del-v4', ok: true });
  assert.equal(
    (await addrs()).some((a) => a.local === '198.51.100.7'),
    false,
  );
  const delAgain = await step();
  assert.equal(delAgain.ok, false);
  assert.equal(delAgain.errnoCode, 'EADDRNOTAVAIL');
  assert.deepEqual(await step(), { step: 'del-v6', ok: true });
  assert.deepEqual(
    (await addrs()).map((a) => a.local),
    ['198.51.100.10'],
  );
  agent.stdin!.end();
});
