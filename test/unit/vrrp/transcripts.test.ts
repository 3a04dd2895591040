// Runs every test/unit/vrrp/transcripts/*.txt through the pure coordinator and compares the
// output with the file. HALB_UPDATE_TRANSCRIPTS=1 rewrites the files (review the diff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runTranscript } from './transcript-runner.js';

const DIR = fileURLToPath(new URL('../../../../test/unit/vrrp/transcripts/', import.meta.url));
const update = process.env.HALB_UPDATE_TRANSCRIPTS === '1';

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort();

test('transcripts exist', () => {
  assert.ok(files.length > 0);
});

for (const f of files) {
  test(`transcript ${f}`, () => {
    const path = `${DIR}${f}`;
    const want = readFileSync(path, 'utf8');
    const got = runTranscript(want.replace(/\n$/, '')) + '\n';
    if (update && got !== want) writeFileSync(path, got);
    else assert.equal(got, want);
    assert.ok(!got.includes('  ERROR:'), 'transcript has no ERROR lines');
  });
}
