import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrackFileValue } from '../../../src/track/track-file-value.js';

test('track file values are read like strtol(buf, NULL, 0)', () => {
  const v = (s: string | undefined): number | string => {
    const r = parseTrackFileValue(s);
    return r.ok ? r.value : 'invalid';
  };
  assert.equal(v(undefined), 0); // missing file
  assert.equal(v(''), 0);
  assert.equal(v('42\n'), 42);
  assert.equal(v('  -17 trailing'), -17);
  assert.equal(v('0x1f'), 31);
  assert.equal(v('010'), 8);
  assert.equal(v('abc'), 0);
  assert.equal(v('+5'), 5);
  assert.equal(v('2147483648'), 2147483648);
  assert.equal(v('99999999999'), 'invalid');
});
