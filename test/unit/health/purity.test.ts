// Conventions §1 as a lint: pure cores import no node:* module and never read the
// clock, set timers or log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = join(fileURLToPath(import.meta.url), '../../../../..');
const PURE = [
  'src/health/rise-fall.ts',
  'src/health/check-status.ts',
  'src/health/http-check-proto.ts',
  'src/health/tcp-check-match.ts',
  'src/health/ssl-hello.ts',
  'src/health/history.ts',
  'src/dns/resolution.ts',
];

for (const file of PURE) {
  test(`${file} is pure`, () => {
    const code = readFileSync(join(root, file), 'utf8')
      .split('\n')
      .filter((l) => !l.trim().startsWith('//') && !l.trim().startsWith('*') && !l.trim().startsWith('/*'))
      .join('\n');
    assert.doesNotMatch(code, /from ['"]node:/);
    assert.doesNotMatch(code, /\b(Date\.now|performance\.now|setTimeout|setInterval|console\.)/);
    assert.doesNotMatch(code, /\blogger\b/i);
  });
}
