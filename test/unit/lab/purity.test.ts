// Conventions §1 as a lint for the lab's pure parts: what `halb lab` shows is computed without
// node:* modules, clocks or timers, so it is unit-tested with fabricated event sequences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = join(fileURLToPath(import.meta.url), '../../../../..');
const PURE = ['src/lab/lab-view.ts', 'src/lab/lab-view-text.ts', 'src/lab/chaos-cycle.ts', 'src/lab/outage.ts'];

for (const file of PURE) {
  test(`${file} is pure`, () => {
    const code = readFileSync(join(root, file), 'utf8')
      .split('\n')
      .filter((l) => !l.trim().startsWith('//') && !l.trim().startsWith('*') && !l.trim().startsWith('/*'))
      .join('\n');
    assert.doesNotMatch(code, /from ['"]node:/);
    assert.doesNotMatch(code, /\b(Date\.now|performance\.now|setTimeout|setInterval|console\.)/);
  });
}
