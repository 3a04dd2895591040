import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runOptionalFailover } from '../../../bench/optional-failover.js';

function collect(): { out: string[]; o: { quick: boolean; out: (t: string) => void; log: (l: string) => void } } {
  const out: string[] = [];
  return { out, o: { quick: true, out: (t) => out.push(t), log: () => {} } };
}

test('a missing bench/failover.ts is skipped with a message', async () => {
  const { out, o } = collect();
  assert.equal(await runOptionalFailover(pathToFileURL('/nonexistent/failover.js'), o), false);
  assert.match(out.join(''), /skipped \(bench\/failover\.ts not present\)/);
});

test('runFailoverBench result is printed with formatFailoverTable, quick passes repeat 1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-fo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'failover.mjs');
  writeFileSync(file, 'export async function runFailoverBench(o) { return { repeat: o.repeat }; }\n' + 'export function formatFailoverTable(r) { return `table repeat=${r.repeat}`; }\n');
  const { out, o } = collect();
  assert.equal(await runOptionalFailover(pathToFileURL(file), o), true);
  assert.match(out.join(''), /table repeat=1/);
});
