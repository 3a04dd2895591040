// The nft side of hand-over forwarding, without nft: the rule text, the on-link check, and the
// adapter's bookkeeping (window expiry removes the table, close() and stale cleanup remove ours
// only, a missing nft binary is reported once and never blocks a takeover).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NftStrayForwarder, onLink, renderStrayRules, strayTableName, STRAY_TABLE_PREFIX } from '../../../src/vip/stray-forward.js';
import { silentLogger } from '../../../src/log/logger.js';
import type { StrayForwardRequest } from '../../../src/vip/types.js';

const req: StrayForwardRequest = { instance: 'VI_1', family: 4, addresses: ['10.77.0.100', '10.77.0.110'], peer: '10.77.0.10', ifname: 'eth0', durationMs: 30 };

test('the rule passes non-SYN segments of flows conntrack does not know, to the old master, and drops our copy', () => {
  const table = strayTableName('VI_1');
  assert.ok(table.startsWith(STRAY_TABLE_PREFIX) && /^[A-Za-z0-9_]+$/.test(table));
  const script = renderStrayRules(req);
  // Idempotent replace in one transaction: create (no-op if present), delete, define.
  assert.match(script, new RegExp(`^table ip ${table}\\ndelete table ip ${table}\\ntable ip ${table} \\{`));
  assert.match(script, /hook prerouting priority mangle;/);
  assert.match(script, /iifname "eth0" ip daddr \{ 10\.77\.0\.100, 10\.77\.0\.110 \} tcp flags & syn == 0 ct state new dup to 10\.77\.0\.10 device "eth0" drop/);
  const v6 = renderStrayRules({ ...req, family: 6, addresses: ['fd00:77::100'], peer: 'fe80::4c:61ff:fe62:1' });
  assert.match(v6, /ip6 daddr \{ fd00:77::100 \} .* dup to fe80::4c:61ff:fe62:1 device "eth0" drop/);
  // Names that differ only in unsafe characters still get distinct tables.
  assert.notEqual(strayTableName('a-b'), strayTableName('a.b'));
  // Addresses go through the parser: nothing but an address reaches the script.
  assert.throws(() => renderStrayRules({ ...req, peer: '10.0.0.1; flush ruleset' }));
});

test('onLink: in a prefix of the interface, or IPv6 link-local', () => {
  assert.equal(onLink('10.77.0.10', ['10.77.0.11/24', 'fd00:77::11/64']), true);
  assert.equal(onLink('10.78.0.10', ['10.77.0.11/24']), false);
  assert.equal(onLink('fe80::1', []), true);
  assert.equal(onLink('fd00:77::10', ['10.77.0.11/24', 'fd00:77::11/64']), true);
});

test('forward installs, the window removes the table; close() removes the rest', async () => {
  const scripts: string[] = [];
  const f = new NftStrayForwarder({ logger: silentLogger(), run: async (s) => void scripts.push(s), cidrsOf: () => ['10.77.0.11/24'] });
  assert.equal(await f.forward(req), true);
  assert.equal(await f.forward({ ...req, instance: 'VI_2', durationMs: 60_000 }), true);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(scripts.slice(2), [`delete table ip ${strayTableName('VI_1')}\n`]);
  await f.close();
  assert.deepEqual(scripts.slice(3), [`delete table ip ${strayTableName('VI_2')}\n`]);
});

test('an off-link old master or a missing nft: nothing installed, reported, takeover goes on', async () => {
  let runs = 0;
  const off = new NftStrayForwarder({ logger: silentLogger(), run: async () => void runs++, cidrsOf: () => ['10.1.0.1/24'] });
  assert.equal(await off.forward(req), false);
  assert.equal(runs, 0);

  const enoent = Object.assign(new Error('spawn nft ENOENT'), { code: 'ENOENT' });
  const missing = new NftStrayForwarder({
    logger: silentLogger(),
    run: async () => {
      runs++;
      throw enoent;
    },
    cidrsOf: () => ['10.77.0.1/24'],
  });
  assert.equal(await missing.forward(req), false);
  assert.equal(await missing.forward(req), false);
  assert.equal(runs, 1, 'nft is not looked for again');
});

test('stale cleanup removes only our tables', async () => {
  const scripts: string[] = [];
  const ours = strayTableName('VI_9');
  const f = new NftStrayForwarder({
    logger: silentLogger(),
    run: async (s) => void scripts.push(s),
    listTables: async () => `table inet filter\ntable ip ${ours}\ntable ip6 ${STRAY_TABLE_PREFIX}x_1\ntable ip nat\n`,
  });
  await f.cleanupStale();
  assert.deepEqual(scripts, [`delete table ip ${ours}\n`, `delete table ip6 ${STRAY_TABLE_PREFIX}x_1\n`]);
});
