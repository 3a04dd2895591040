import { test } from 'node:test';
import assert from 'node:assert/strict';
import { num, ratioOf, renderTable, text, verdict, type Row } from '../../../../bench/lb/table.js';

const row = (haproxy: number, halb: number, target?: Row['target']): Row => ({
  label: 'x',
  cells: { direct: num(1), haproxy: num(haproxy), halb: num(halb) },
  ratio: true,
  ...(target ? { target } : {}),
});

test('ratio is halb/haproxy; verdict compares it with the target in its direction', () => {
  assert.equal(ratioOf(row(100, 85)), 0.85);
  assert.equal(verdict(row(100, 85, { cmp: '>=', ratio: 0.8 })), '>= 0.8×: PASS');
  assert.equal(verdict(row(100, 75, { cmp: '>=', ratio: 0.8 })), '>= 0.8×: FAIL');
  assert.equal(verdict(row(3, 5, { cmp: '<=', ratio: 2 })), '<= 2.0×: PASS');
  assert.equal(verdict(row(3, 7, { cmp: '<=', ratio: 2 })), '<= 2.0×: FAIL');
});

test('no number on either side: no ratio and no pass', () => {
  const r: Row = { label: 'x', cells: { haproxy: num(5), halb: text('n/a (halb run not available)') }, ratio: true, target: { cmp: '>=', ratio: 1 } };
  assert.equal(ratioOf(r), undefined);
  assert.equal(verdict(r), '>= 1.0×: n/a');
});

test('table has one header, aligned columns, and shows missing cells as a dash', () => {
  const t = renderTable([row(40000, 36000, { cmp: '>=', ratio: 0.8 }), { label: 'rss', cells: { haproxy: num(3.25, 2) }, ratio: true }]);
  const lines = t.split('\n');
  assert.match(lines[0]!, /^metric +\| direct \| haproxy \| +halb \| halb\/haproxy \| target/);
  assert.match(lines[2]!, /40,000 \| +36,000 \| +0\.90× \| >= 0\.8×: PASS$/);
  assert.match(lines[3]!, /^rss +\| +— \| +3\.25 \| +— \| +— \|/);
});
