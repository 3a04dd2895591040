import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean, formatDiagnostic, editDistance } from '../../src/config/diagnostics.js';

test('edit distance', () => {
  assert.equal(editDistance('balance', 'balnce'), 1);
  assert.equal(editDistance('', 'abc'), 3);
});

test('did you mean suggests close words only', () => {
  assert.equal(didYouMean('roundrobn', ['roundrobin', 'leastconn']), "did you mean 'roundrobin'?");
  assert.equal(didYouMean('zzzzzz', ['roundrobin', 'leastconn']), undefined);
});

test('diagnostic format names file, line and directive', () => {
  assert.equal(
    formatDiagnostic({ severity: 'error', file: 'h.cfg', line: 7, directive: 'balance', message: 'unknown algorithm', hint: "did you mean 'source'?" }),
    "h.cfg:7: error: 'balance': unknown algorithm (did you mean 'source'?)",
  );
});
