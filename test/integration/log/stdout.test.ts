import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const loggerJs = fileURLToPath(new URL('../../../src/log/logger.js', import.meta.url));
const accessJs = fileURLToPath(new URL('../../../src/log/access-line.js', import.meta.url));

// The real stdout destination (sonic-boom in byte mode behind pino's string writes), through a
// pipe: pino's own lines and access-line batches all arrive, whole, and are flushed at exit.
test('stdout: pino lines and access-line batches arrive whole and in order, flushed at exit', () => {
  const script = `
    const { createLogger } = await import(${JSON.stringify(loggerJs)});
    const { writeAccess } = await import(${JSON.stringify(accessJs)});
    const logger = createLogger({ level: 'info' });
    logger.info({ event: 'first' }, 'before');
    const rec = { event: 'access', mode: 'http', frontend: 'fe', backend: 'be', server: 's1', client: '127.0.0.1:1',
      connectMs: 0, responseMs: 0.5, totalMs: 1.25, bytesIn: 1, bytesOut: 2, status: 200, termination: '--', retries: 0, redispatches: 0, method: 'GET', uri: '/é' };
    for (let i = 0; i < 1500; i++) writeAccess(logger, { ...rec, bytesIn: i });
    logger.info({ event: 'last' }, 'after');
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; bytesIn?: number; uri?: string });
  assert.equal(lines.length, 1502);
  assert.equal(lines[0]!.event, 'first');
  const access = lines.filter((l) => l.event === 'access');
  assert.deepEqual(
    access.map((l) => l.bytesIn),
    Array.from({ length: 1500 }, (_, i) => i),
  );
  assert.ok(access.every((l) => l.uri === '/é'));
  assert.ok(lines.some((l) => l.event === 'last'));
});

// `process.exit()` right after a line used to let pino's exit hook write later lines first while
// an earlier write still waited in a busy libuv thread pool (`halb stopped` before `received
// SIGTERM`, 10 of 10 runs here with four pbkdf2 calls holding the pool). flushAndExit waits.
test('stdout: flushAndExit keeps the order while the thread pool is busy', () => {
  const script = `
    const { pbkdf2 } = await import('node:crypto');
    const { createLogger, flushAndExit } = await import(${JSON.stringify(loggerJs)});
    const logger = createLogger({ level: 'info', format: 'json' });
    for (let i = 0; i < 4; i++) pbkdf2('x', 'y', 100000, 32, 'sha256', () => {});
    logger.info({ event: 'signal' }, 'received SIGTERM, stopping');
    await new Promise((r) => setImmediate(r));
    logger.info({ event: 'stopped' }, 'halb stopped');
    await flushAndExit(logger, 0);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: string }).event),
    ['signal', 'stopped'],
  );
});

// An access line waits up to 10 ms for company (access-line.ts); a line logged after it must not
// overtake it.
test('stdout: a line logged after an access line comes after it', () => {
  const script = `
    const { createLogger, flushAndExit } = await import(${JSON.stringify(loggerJs)});
    const { writeAccess } = await import(${JSON.stringify(accessJs)});
    const logger = createLogger({ level: 'info', format: 'json' });
    const proxyLog = logger.child({ component: 'proxy' });
    writeAccess(proxyLog, { event: 'access', mode: 'tcp', frontend: 'fe', backend: 'be', server: 's1', client: '127.0.0.1:1',
      connectMs: 0, responseMs: 0.5, totalMs: 1.25, bytesIn: 1, bytesOut: 2, termination: '--', retries: 0, redispatches: 0 });
    logger.info({ event: 'signal' }, 'after the access line');
    await flushAndExit(logger, 0);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: string }).event),
    ['access', 'signal'],
  );
});
