// writeNow (src/proxy/direct-write.ts): bytes go out in order whether the kernel takes all, part
// or none of them, and errors still reach the socket's 'error' listeners.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { writeNow } from '../../../src/proxy/direct-write.js';

async function pair(t: { after(fn: () => unknown): void }): Promise<{ a: net.Socket; b: net.Socket }> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => srv.once('connection', r));
  const a = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => a.once('connect', () => r()));
  const b = await accepted;
  t.after(() => {
    a.destroy();
    b.destroy();
    srv.close();
  });
  return { a, b };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('writeNow: small writes arrive whole and in order', async (t) => {
  const { a, b } = await pair(t);
  const got: Buffer[] = [];
  b.on('data', (d: Buffer) => got.push(d));
  const parts = Array.from({ length: 50 }, (_, i) => Buffer.from(`part ${i};`));
  for (const p of parts) assert.equal(writeNow(a, p), true);
  const want = Buffer.concat(parts);
  for (let i = 0; i < 100 && Buffer.concat(got).length < want.length; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(Buffer.concat(got), want);
});

test('writeNow: what the kernel cannot take goes through Node, before anything written later', async (t) => {
  const { a, b } = await pair(t);
  b.pause(); // nobody reads: the socket buffers fill up
  const first = randomBytes(8 * 1024 * 1024); // more than loopback buffers hold
  const second = randomBytes(100_000);
  const ok = writeNow(a, first);
  assert.equal(ok, false, 'backpressure reported as by socket.write');
  assert.ok(a.writableLength > 0, 'the rest is queued in Node');
  assert.ok(a.writableLength < first.length, 'the kernel took the first part directly');
  // Queued bytes in Node: the next writeNow must not jump ahead of them.
  writeNow(a, second);
  a.end();
  const got: Buffer[] = [];
  b.on('data', (d: Buffer) => got.push(d));
  b.resume();
  await new Promise<void>((r) => b.once('end', () => r()));
  assert.equal(sha(Buffer.concat(got)), sha(Buffer.concat([first, second])));
});

test('writeNow: a write to a reset connection is reported through the socket, never thrown', async (t) => {
  const { a, b } = await pair(t);
  const errors: string[] = [];
  a.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? 'error'));
  b.resetAndDestroy();
  await new Promise<void>((r) => a.once('close', () => r()).once('end', () => r()));
  for (let i = 0; i < 3 && !a.destroyed; i++) writeNow(a, Buffer.from('after reset'));
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(a.destroyed, 'the socket learned of the reset');
});
