// The bounded config reader on a real file system: regular files only, a size cap that does not
// trust fstat, and an open that cannot wait for a FIFO writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReadError, isMissingFile, readBoundedFileSync, readConfigFile } from '../../../src/config/read-file.js';
import { CONFIG_LIMITS } from '../../../src/config/limits.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'halb-read-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function refusal(fn: () => unknown): ConfigReadError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigReadError, `expected a ConfigReadError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the read to be refused');
}

test('a regular file up to the limit is read whole; one byte more is refused as too large', (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'a.cfg');
  writeFileSync(f, 'x'.repeat(100));
  assert.equal(readBoundedFileSync(f, 100), 'x'.repeat(100));
  const e = refusal(() => readBoundedFileSync(f, 99));
  assert.equal(e.code, 'too-large');
  assert.match(e.message, /too large \(100 bytes; halb reads at most 99 bytes here\)/);
});

test('a FIFO with no writer is refused at once: the open does not wait for a writer', (t) => {
  const dir = tempDir(t);
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const t0 = performance.now();
  const e = refusal(() => readConfigFile(fifo));
  assert.equal(e.code, 'not-regular');
  assert.match(e.message, /not a regular file \(it is a FIFO\)/);
  assert.ok(performance.now() - t0 < 1000);
});

test('/dev/zero and a directory are refused by type, not read', (t) => {
  const dir = tempDir(t);
  assert.match(refusal(() => readConfigFile('/dev/zero')).message, /it is a character device/);
  assert.match(refusal(() => readConfigFile(dir)).message, /it is a directory/);
});

test('a file whose size fstat reports as 0 (/proc) is still read, and still bounded', () => {
  const text = readBoundedFileSync('/proc/self/status', 1 << 20);
  assert.match(text, /^Name:/);
  assert.equal(refusal(() => readBoundedFileSync('/proc/self/status', 10)).code, 'too-large');
});

test('head mode returns the first bytes of a longer file (track files) and still refuses a FIFO', (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'track');
  writeFileSync(f, '12345' + ' '.repeat(10_000));
  assert.equal(readBoundedFileSync(f, 5, { head: true }), '12345');
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  assert.equal(refusal(() => readBoundedFileSync(fifo, CONFIG_LIMITS.trackFileBytes, { head: true })).code, 'not-regular');
});

test('a missing file stays Node ENOENT error (a plain keepalived include of it only warns)', (t) => {
  const dir = tempDir(t);
  try {
    readConfigFile(join(dir, 'nope'));
    assert.fail('expected ENOENT');
  } catch (e) {
    assert.ok(isMissingFile(e));
  }
});

test('an errorfile is bounded by the HAProxy buffer size, a config file by the file limit', (t) => {
  const dir = tempDir(t);
  const f = join(dir, '503.http');
  writeFileSync(f, 'x'.repeat(CONFIG_LIMITS.errorfileBytes + 1));
  assert.equal(refusal(() => readConfigFile(f, 'errorfile')).code, 'too-large');
  assert.equal(readConfigFile(f, 'config').length, CONFIG_LIMITS.errorfileBytes + 1);
});
