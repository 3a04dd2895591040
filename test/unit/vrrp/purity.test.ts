// The VRRP core stays pure (conventions §1): no node:* import, no clock, no timers, no logger.
// A lint-like guard so an accidental `Date.now()` in the machine fails the build's tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../../src/vrrp/', import.meta.url));
const PURE = ['address.ts', 'checksum.ts', 'packet.ts', 'validate.ts', 'machine-config.ts', 'machine.ts', 'group.ts', 'repeat.ts', 'reload-plan.ts', 'vip-diff.ts', 'state-dump.ts', 'counters.ts', 'status.ts'];
const FORBIDDEN: Array<[RegExp, string]> = [
  [/from\s+['"]node:/, 'node:* import'],
  [/\brequire\(/, 'require()'],
  [/Date\.now|new Date\(/, 'wall clock'],
  [/performance\.now/, 'monotonic clock read'],
  [/\bset(Timeout|Interval|Immediate)\(/, 'timer'],
  [/\bconsole\./, 'console'],
  [/log\/logger/, 'logger import'],
  [/\bprocess\./, 'process global'],
  [/Math\.random/, 'randomness'],
];

for (const f of PURE) {
  test(`src/vrrp/${f} is pure`, () => {
    const text = readFileSync(`${SRC}${f}`, 'utf8')
      .split('\n')
      .filter((l) => !/^\s*(\/\/|\*)/.test(l))
      .join('\n');
    for (const [re, what] of FORBIDDEN) assert.ok(!re.test(text), `${f}: ${what}`);
  });
}
