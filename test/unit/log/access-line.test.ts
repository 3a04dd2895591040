import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino, type Logger } from 'pino';
import { flushAccess, writeAccess } from '../../../src/log/access-line.js';
import type { AccessLogRecord } from '../../../src/proxy/context.js';

function capture(opts: Parameters<typeof pino>[0] = {}): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ base: { name: 'halb' }, timestamp: pino.stdTimeFunctions.isoTime, ...opts }, { write: (s: string) => void lines.push(s) }) as unknown as Logger;
  return { logger, lines };
}

const withoutTime = (line: string): string => line.replace(/"time":"[^"]*"/, '"time":"T"');

const http: AccessLogRecord = {
  event: 'access', mode: 'http', frontend: 'fe', backend: 'be', server: 's1', client: '127.0.0.1:5000',
  connectMs: 0.123, responseMs: -1, totalMs: 12.5, bytesIn: 77, bytesOut: 1234, status: 200,
  termination: '--', retries: 1, redispatches: 0, method: 'GET', uri: '/a?b="c"\\d\u0001é\u2028',
};
const tcp: AccessLogRecord = {
  event: 'access', mode: 'tcp', frontend: 'fe_tcp', backend: 'be', server: '-', client: '[::1]:1',
  connectMs: -1, responseMs: -1, totalMs: Number.NaN, bytesIn: 0, bytesOut: 0,
  termination: 'SC', retries: 3, redispatches: 2, reason: 'connect: refused "x"',
};

for (const [name, rec] of [['http', http], ['tcp', tcp]] as const) {
  test(`access line is byte-identical to pino's (${name}, apart from the time)`, () => {
    const a = capture();
    const b = capture();
    a.logger.info(rec);
    writeAccess(b.logger, rec);
    flushAccess(b.logger);
    assert.equal(b.lines.length, 1);
    assert.equal(withoutTime(b.lines[0]!), withoutTime(a.lines[0]!));
    assert.match(b.lines[0]!, /"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/);
    JSON.parse(b.lines[0]!);
  });
}

test('child bindings are kept, as pino writes them', () => {
  const a = capture();
  const b = capture();
  a.logger.child({ component: 'lb' }).info(http);
  const child = b.logger.child({ component: 'lb' });
  writeAccess(child, http);
  flushAccess(child);
  assert.equal(withoutTime(b.lines[0]!), withoutTime(a.lines[0]!));
});

test('loggers the fast path cannot reproduce go through pino', () => {
  const mixin = capture({ mixin: () => ({ extra: 1 }) });
  writeAccess(mixin.logger, http);
  assert.equal(JSON.parse(mixin.lines[0]!).extra, 1);
  const labels = capture({ formatters: { level: (label) => ({ level: label }) } });
  writeAccess(labels.logger, http);
  assert.equal(JSON.parse(labels.lines[0]!).level, 'info');
  const epoch = capture({ timestamp: pino.stdTimeFunctions.epochTime });
  writeAccess(epoch.logger, http);
  assert.equal(typeof JSON.parse(epoch.lines[0]!).time, 'number');
});

test('lines are written together, in order, within 10 ms of the first; 512 waiting lines go at once', async () => {
  const b = capture();
  writeAccess(b.logger, http);
  await new Promise((r) => setImmediate(r));
  writeAccess(b.logger, tcp); // a later event-loop turn: same batch
  assert.equal(b.lines.length, 0);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(b.lines.length, 1);
  const parsed = b.lines[0]!.trimEnd().split('\n').map((l) => JSON.parse(l) as { mode: string });
  assert.deepEqual(parsed.map((p) => p.mode), ['http', 'tcp']);
  for (let i = 0; i < 512; i++) writeAccess(b.logger, tcp);
  assert.equal(b.lines.length, 2, 'a full batch does not wait for the timer');
  assert.equal(b.lines[1]!.trimEnd().split('\n').length, 512);
});
