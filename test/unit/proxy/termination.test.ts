import { test } from 'node:test';
import assert from 'node:assert/strict';
import { termCode, type TermCause, type TermPhase } from '../../../src/proxy/termination.js';

test('termination codes are the cause then the phase, for every pair', () => {
  const causes: TermCause[] = ['-', 'C', 'S', 'P', 'R', 'c', 's'];
  const phases: TermPhase[] = ['-', 'R', 'Q', 'C', 'H', 'D', 'L'];
  const seen = new Set<string>();
  for (const c of causes) for (const p of phases) seen.add(termCode(c, p));
  assert.equal(seen.size, causes.length * phases.length);
  for (const c of causes) for (const p of phases) assert.equal(termCode(c, p), `${c}${p}`);
});
