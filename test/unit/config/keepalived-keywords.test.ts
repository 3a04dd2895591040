// The keepalived.conf keyword tables: every row of every table is reached through the whole
// importer (preprocess, parse, map) from a config built from the table itself, so a new row
// or a new table is covered without touching this file (a new scope needs its wrapper below).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import type { KwRow } from '../../../src/config/keepalived/kw-table.js';
import { KEYWORD_TABLES, mapKeepalived } from '../../../src/config/keepalived/map.js';
import { parseStatements } from '../../../src/config/keepalived/parse.js';
import { preprocess } from '../../../src/config/keepalived/preprocess.js';
import { memorySource } from '../../../src/config/keepalived/source.js';

/** Lines before and after the keyword for each scope, and how the keyword's own line reads. */
const WRAP: Record<string, { before: string[]; after: string[]; named?: boolean }> = {
  top: { before: [], after: [], named: true },
  global_defs: { before: ['global_defs {'], after: ['}'] },
  vrrp_script: { before: ['vrrp_script chk {', ' script /bin/true'], after: ['}'] },
  track_file: { before: ['track_file tf {', ' file /tmp/tf'], after: ['}'] },
  vrrp_instance: { before: ['vrrp_instance VI {', ' interface eth0', ' virtual_router_id 1'], after: ['}'] },
  authentication: { before: ['vrrp_instance VI {', ' interface eth0', ' virtual_router_id 1', ' authentication {'], after: [' }', '}'] },
  vrrp_sync_group: { before: ['vrrp_sync_group G {'], after: ['}'] },
};

function run(scope: string, keyword: string, block: boolean): { line: number; trace: string[]; diags: Diagnostics } {
  const w = WRAP[scope]!;
  const own = `${keyword}${w.named ? ' sample' : ''}${block ? ' {' : ''}`;
  const lines = [...w.before, own, ...(block ? ['}'] : []), ...w.after];
  const diags = new Diagnostics();
  const trace: string[] = [];
  const logical = preprocess('/k.conf', memorySource({ '/k.conf': lines.join('\n') + '\n' }), diags, { configId: 'x' });
  assert.ok(logical);
  mapKeepalived(parseStatements(logical, diags), diags, (sc, kw) => trace.push(`${sc} ${kw}`));
  return { line: w.before.length + 1, trace, diags };
}

test('every keyword table has a scope wrapper and unique keys', () => {
  for (const table of KEYWORD_TABLES) {
    assert.ok(WRAP[table.scope], `no wrapper for scope '${table.scope}': add one to WRAP`);
    const names = table.rows.map((r) => r.name);
    assert.deepEqual(
      names.filter((n, i) => names.indexOf(n) !== i),
      [],
      `duplicate rows in ${table.scope}`,
    );
    assert.ok(
      table.rows.every((r) => r.status !== 'supported' || r.parse),
      `supported rows of ${table.scope} have a parser`,
    );
  }
});

test('every row is reachable: its parser runs, or its status diagnostic appears at its line', () => {
  let rows = 0;
  for (const table of KEYWORD_TABLES) {
    for (const row of table.rows as readonly KwRow<never>[]) {
      rows++;
      const { line, trace, diags } = run(table.scope, row.name, row.block === true);
      const what = `${table.scope} ${row.name}`;
      assert.ok(trace.includes(what), `${what} not dispatched; trace: ${trace.join(', ')}`);
      const at = diags.items.filter((d) => d.line === line && d.directive === row.name);
      assert.ok(!at.some((d) => /^unknown keyword/.test(d.message)), `${what} reported unknown`);
      if (row.status === 'supported') continue;
      const severity = row.status === 'ignored' ? 'note' : 'warning';
      const message = row.reason ?? (row.status === 'ignored' ? 'accepted; no effect in halb' : 'not supported by halb; ignored');
      assert.ok(
        at.some((d) => d.severity === severity && d.message === message),
        `${what}: expected ${severity} '${message}', got ${JSON.stringify(at)}`,
      );
    }
  }
  assert.ok(rows > 200, `only ${rows} rows`);
});

test('an unknown keyword is an error at its line whose did-you-mean comes from its own table', () => {
  for (const table of KEYWORD_TABLES) {
    const names = new Set(table.rows.map((r) => r.name));
    for (const row of table.rows) {
      const typo = `${row.name}q`;
      const { line, trace, diags } = run(table.scope, typo, false);
      assert.ok(!trace.some((x) => x.endsWith(` ${typo}`)));
      const e = diags.items.find((d) => d.line === line && d.directive === typo);
      assert.ok(e && e.severity === 'error' && /^unknown keyword in /.test(e.message), `${table.scope} ${typo}: ${JSON.stringify(e)}`);
      const hint = /^did you mean '(.+)'\?$/.exec(e.hint ?? '');
      assert.ok(hint && names.has(hint[1]!), `${table.scope} ${typo}: hint ${e.hint}`);
    }
  }
});
