import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeTsharkFields } from '../../../src/lab/tshark-judge.js';

// Columns: frame, ip.proto, ipv6.nxt, version, type, vrid, prio, checksum.status, malformed, expert severity.
test('valid v2 and v3 advertisements pass', () => {
  const r = judgeTsharkFields('1\t112\t\t2\t1\t51\t150\t1\t\t\n2\t\t112\t3\t1\t51\t100\t1\t\t\n');
  assert.equal(r.packets.length, 2);
  assert.deepEqual(r.invalid, []);
  assert.deepEqual(r.byVersion, { v2: 1, v3: 1 });
  assert.equal(r.packets[0]!.priority, 150);
});

test('bad checksum, unverified checksum, wrong type, undissected and malformed packets are flagged', () => {
  const r = judgeTsharkFields(
    ['1\t112\t\t2\t1\t51\t150\t0\t\t8388608', '2\t112\t\t3\t1\t51\t150\t2\t\t', '3\t112\t\t2\t2\t51\t150\t1\t\t', '4\t112\t\t\t\t\t\t\t\t', '5\t112\t\t2\t1\t51\t150\t1\t1\t'].join('\n'),
  );
  assert.deepEqual(
    r.invalid.map((p) => [p.frame, p.problems]),
    [
      [1, ['bad checksum', 'expert error']],
      [2, ['checksum not verified']],
      [3, ['type 2']],
      [4, ['not dissected as VRRP']],
      [5, ['malformed']],
    ],
  );
});
