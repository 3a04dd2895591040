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
  event: 'access',
  mode: 'http',
  frontend: 'fe',
  backend: 'be',
  server: 's1',
  client: '127.0.0.1:5000',
  connectMs: 0.123,
  responseMs: -1,
  totalMs: 12.5,
  bytesIn: 77,
  bytesOut: 1234,
  status: 200,
  termination: '--',
  retries: 1,
  redispatches: 0,
  method: 'GET',
  uri: '/a?b="c"\\d\u0001é\u2028',
};
const tcp: AccessLogRecord = {
  event: 'access',
  mode: 'tcp',
  frontend: 'fe_tcp',
  backend: 'be',
  server: '-',
  client: '[::1]:1',
  connectMs: -1,
  responseMs: -1,
  totalMs: Number.NaN,
  bytesIn: 0,
  bytesOut: 0,
  termination: 'SC',
  retries: 3,
  redispatches: 2,
  reason: 'connect: refused "x"',
};

for (const [name, rec] of [
  ['http', http],
  ['tcp', tcp],
] as const) {
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
  const parsed = b.lines[0]!.trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { mode: string });
  assert.deepEqual(
    parsed.map((p) => p.mode),
    ['http', 'tcp'],
  );
  for (let i = 0; i < 512; i++) writeAccess(b.logger, tcp);
  assert.equal(b.lines.length, 2, 'a full batch does not wait for the timer');
  assert.equal(b.lines[1]!.trimEnd().split('\n').length, 512);
});

test('numbers are written as JSON.stringify writes them: timings, integers, negatives, large and non-finite', () => {
  let seed = 3;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const values: number[] = [
    0,
    -0,
    1,
    9,
    10,
    99,
    100,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32 + 5,
    2 ** 53 - 1,
    2 ** 53,
    1e21,
    1.5e300,
    -1,
    -12.5,
    0.001,
    0.01,
    0.1,
    0.999,
    999_999_999.999,
    1e9 + 0.5,
    0.0005,
    1 / 3,
    5e-7,
    Number.NaN,
    Infinity,
    -Infinity,
    Number.MIN_VALUE,
  ];
  for (let i = 0; i < 3000; i++) {
    const x = rnd() * 10 ** Math.floor(rnd() * 12);
    values.push(Math.round(x * 1000) / 1000, Math.round(x), -Math.round(x * 1000) / 1000, x);
  }
  const a = capture();
  const b = capture();
  for (let i = 0; i < values.length; i += 8) {
    const v = (k: number): number => values[(i + k) % values.length]!;
    const rec: AccessLogRecord = { ...http, connectMs: v(0), responseMs: v(1), totalMs: v(2), bytesIn: v(3), bytesOut: v(4), status: v(5), retries: v(6), redispatches: v(7) };
    a.logger.info(rec);
    writeAccess(b.logger, rec);
  }
  flushAccess(b.logger);
  const ours = b.lines.join('').trimEnd().split('\n');
  assert.equal(ours.length, a.lines.length);
  ours.forEach((line, i) => assert.equal(withoutTime(line), withoutTime(a.lines[i]!.trimEnd())));
});

test('a line longer than a whole batch (a huge URI) is written on its own, in order', () => {
  const b = capture();
  writeAccess(b.logger, tcp);
  const huge = { ...http, uri: `/${'x'.repeat(300_000)}é` };
  writeAccess(b.logger, huge);
  writeAccess(b.logger, tcp);
  flushAccess(b.logger);
  const lines = b.lines
    .join('')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { uri?: string; mode: string });
  assert.deepEqual(
    lines.map((l) => l.mode),
    ['tcp', 'http', 'tcp'],
  );
  assert.equal(lines[1]!.uri, huge.uri);
});

test('each kind of character that needs escaping or encoding is caught on its own', () => {
  for (const uri of ['/a\\b', '/a"b', '/a\u0001b', '/a\u007fb', '/a\u00e9b', '/a\u2028b', '/plain', '']) {
    const a = capture();
    const b = capture();
    const rec = { ...http, uri, client: `127.0.0.1:1${uri}` };
    a.logger.info(rec);
    writeAccess(b.logger, rec);
    flushAccess(b.logger);
    assert.equal(withoutTime(b.lines[0]!), withoutTime(a.lines[0]!), JSON.stringify(uri));
  }
  // Both in one batch: a Latin-1 character next to one that needs UTF-8's three bytes.
  const a = capture();
  const mixed = capture();
  for (const uri of ['/\u00e9', '/\u2028', '/\u00e9']) {
    a.logger.info({ ...http, uri });
    writeAccess(mixed.logger, { ...http, uri });
  }
  flushAccess(mixed.logger);
  assert.deepEqual(mixed.lines.join('').split('\n').map(withoutTime), a.lines.join('').split('\n').map(withoutTime));
  // A lone surrogate: pino writes short strings raw (the bytes become U+FFFD), we escape it, so
  // the line reads back as exactly what the client sent.
  const b = capture();
  writeAccess(b.logger, { ...http, uri: '/a\ud800b' });
  flushAccess(b.logger);
  assert.equal((JSON.parse(b.lines[0]!) as { uri: string }).uri, '/a\ud800b');
});

test('a destination that takes bytes gets the batch as bytes, with the same lines', () => {
  const a = capture();
  const chunks: Buffer[] = [];
  const strings: string[] = [];
  const dest = { write: (s: string) => void strings.push(s), writeBytes: (b: Buffer) => void chunks.push(b) };
  const logger = pino({ base: { name: 'halb' }, timestamp: pino.stdTimeFunctions.isoTime }, dest) as unknown as Logger;
  for (const r of [http, tcp, { ...http, uri: '/\u2028é' }]) {
    a.logger.info(r);
    writeAccess(logger, r);
  }
  flushAccess(logger);
  assert.equal(strings.length, 0);
  assert.equal(chunks.length, 1);
  const ours = Buffer.concat(chunks).toString('utf8');
  assert.equal(ours.split('\n').map(withoutTime).join('\n'), a.lines.join('').split('\n').map(withoutTime).join('\n'));
});

test('lines without retries, as termination codes and methods change from line to line', () => {
  const a = capture();
  const b = capture();
  const variants: Partial<AccessLogRecord>[] = [
    { termination: '--', method: 'GET' },
    { termination: '--', method: 'GET' },
    { termination: 'SH', method: 'GET' },
    { termination: '--', method: 'POST' },
    { termination: '--', method: undefined },
    { termination: 'cR', method: 'M-SEARCH' },
    { termination: '--', method: 'GET', retries: 2 },
    { termination: '--', method: 'GET' },
    { termination: '--', method: 'GET', redispatches: 1 },
  ];
  for (const v of variants) {
    const rec: AccessLogRecord = { ...http, retries: 0, redispatches: 0, ...v };
    if (v.method === undefined) delete rec.method;
    a.logger.info(rec);
    writeAccess(b.logger, rec);
  }
  flushAccess(b.logger);
  assert.deepEqual(b.lines.join('').split('\n').map(withoutTime), a.lines.join('').split('\n').map(withoutTime));
});
