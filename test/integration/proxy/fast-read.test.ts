// Reads into one shared buffer (src/proxy/fast-read.ts): every chunk a handler gets must be its
// own copy, bytes that arrive before a handler exists must not be lost, and pause/resume must
// still apply backpressure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net, { type AddressInfo, type Socket } from 'node:net';
import { connectServer } from '../../../src/proxy/connect.js';
import { BULK_READ, enableFastRead, offData, onData, releaseChunk } from '../../../src/proxy/fast-read.js';

async function listen(onConn: (s: Socket) => void, opts: net.ServerOpts = {}): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer(opts, onConn);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

test('server-side sockets: bytes sent before a handler is attached are delivered once it is', async (t) => {
  const { server, port } = await listen((s) => s.end('greeting\r\n'));
  t.after(() => server.close());
  const r = await connectServer('127.0.0.1', port, 2000);
  assert.ok(r.ok);
  const sock = r.socket;
  t.after(() => sock.destroy());
  await new Promise((res) => setTimeout(res, 50)); // the greeting has arrived by now
  const got: Buffer[] = [];
  const ended = new Promise<void>((res) => sock.once('end', () => res()));
  onData(sock, (c) => void got.push(c));
  await ended;
  assert.equal(Buffer.concat(got).toString(), 'greeting\r\n');
});

test('chunks stay intact while later reads reuse the shared buffer (two interleaved streams)', async (t) => {
  const payloads = [randomBytes(3 * 1024 * 1024), randomBytes(3 * 1024 * 1024)];
  let i = 0;
  const { server, port } = await listen((s) => {
    const p = payloads[i++ % 2]!;
    s.end(p);
  });
  t.after(() => server.close());
  const kept: Buffer[][] = [[], []];
  const done = payloads.map(async (_, k) => {
    const r = await connectServer('127.0.0.1', port, 2000);
    assert.ok(r.ok);
    const sock = r.socket;
    t.after(() => sock.destroy());
    await new Promise<void>((res) => {
      onData(sock, (c) => void kept[k]!.push(c)); // kept, not consumed: a reused buffer would corrupt them
      sock.once('end', () => res());
    });
  });
  await Promise.all(done);
  const hash = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
  const got = kept.map((chunks) => hash(Buffer.concat(chunks))).sort();
  const want = payloads.map(hash).sort();
  assert.deepEqual(got, want);
});

test('accepted sockets: enableFastRead before reading, pause() stops reads and resume() restarts them', async (t) => {
  let accepted: Socket | undefined;
  const gotConn = new Promise<Socket>((res) => {
    void listen(
      (s) => {
        accepted = s;
        res(s);
      },
      { pauseOnConnect: true },
    ).then(({ server, port }) => {
      t.after(() => server.close());
      const c = net.connect(port, '127.0.0.1');
      t.after(() => c.destroy());
      c.on('connect', () => c.write('one'));
      setTimeout(() => c.write('two'), 150);
    });
  });
  const s = await gotConn;
  t.after(() => accepted?.destroy());
  assert.equal(enableFastRead(s), true);
  const got: string[] = [];
  onData(s, function (this: Socket, c) {
    got.push(c.toString());
    this.pause();
  });
  s.resume();
  await new Promise((res) => setTimeout(res, 300));
  assert.deepEqual(got, ['one'], 'paused after the first chunk: the second waits in the kernel');
  s.resume();
  await new Promise((res) => setTimeout(res, 100));
  assert.deepEqual(got, ['one', 'two']);
  const h = (): void => {};
  onData(s, h);
  offData(s, h);
});

test('bulk reads go to private buffers; a released one is read into again (so release only what is unreferenced)', async (t) => {
  const payload = randomBytes(4 * 1024 * 1024);
  const { server, port } = await listen((s) => s.end(payload));
  t.after(() => server.close());
  const r = await connectServer('127.0.0.1', port, 2000);
  assert.ok(r.ok);
  const sock = r.socket;
  t.after(() => sock.destroy());
  await new Promise((res) => setTimeout(res, 100)); // let the kernel queue fill: 64 KiB reads
  const copies: Buffer[] = [];
  const originals: Buffer[] = [];
  await new Promise<void>((res) => {
    onData(sock, (c) => {
      copies.push(Buffer.from(c));
      originals.push(c);
      releaseChunk(c);
    });
    sock.once('end', () => res());
  });
  assert.equal(createHash('sha256').update(Buffer.concat(copies)).digest('hex'), createHash('sha256').update(payload).digest('hex'));
  const big = originals.filter((c) => c.length >= BULK_READ).length;
  assert.ok(big >= 4, `expected bulk-sized reads, got ${big}`);
  const overwritten = originals.filter((c, i) => !c.equals(copies[i]!)).length;
  assert.ok(overwritten > 0, 'released private buffers were reused for later reads');
});
