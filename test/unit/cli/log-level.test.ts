// --log-level is checked before any logger exists, with pino's levels as the valid values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import pino from 'pino';
import { LOG_LEVELS, parseLogLevel } from '../../../src/cli/log-level.js';

test('every pino level is accepted, case-insensitively', () => {
  for (const l of Object.keys(pino.levels.values)) assert.equal(parseLogLevel(l.toUpperCase()), l);
  assert.equal(parseLogLevel('silent'), 'silent');
  // The list matches what pino accepts, so a level we allow never reaches pino's own error.
  for (const l of LOG_LEVELS) assert.doesNotThrow(() => pino({ level: l }));
});

test('unknown levels: the valid values, the nearest one, and the syslog names people type', () => {
  assert.throws(
    () => parseLogLevel('verbose'),
    (e: unknown) => e instanceof InvalidArgumentError && e.message === "did you mean 'debug'? valid values: trace, debug, info, warn, error, fatal, silent",
  );
  assert.throws(() => parseLogLevel('warning'), /did you mean 'warn'\?/);
  assert.throws(() => parseLogLevel('inf'), /did you mean 'info'\? valid values: /);
  assert.throws(() => parseLogLevel('loud'), /valid values: trace, debug, info, warn, error, fatal, silent/);
});
