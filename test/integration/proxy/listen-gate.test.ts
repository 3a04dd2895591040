// The paused listener (src/proxy/listen-gate.ts), both ways: with the addon the kernel socket
// stays listening while Node's handle is closed, so clients that connect during the pause are
// accepted on resume and none is reset; without it (HALB_LISTEN_PAUSE=hold) accepted sockets
// are held unread and handed over in order, and past holdMax new ones are refused and reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { GatedListener } from '../../../src/proxy/listen-gate.js';

const BIND = { address: '127.0.0.1', port: 0 };

function gate(holdMax: number) {
  const got: net.Socket[] = [];
  const refused: string[] = [];
  let onGot: () => void = () => {};
  const g = new GatedListener(
    {
      makeServer: () => new net.Server({ pauseOnConnect: true }),
      onConnection: (s) => {
        got.push(s);
        onGot();
      },
      onRefused: (_s, reason) => refused.push(reason),
    },
    1024,
    holdMax,
  );
  const until = (n: number): Promise<void> =>
    new Promise((resolve) => {
      onGot = () => got.length >= n && resolve();
      onGot();
    });
  return { g, got, refused, until };
}

function client(port: number): { sock: net.Socket; outcome: Promise<string> } {
  const sock = net.connect(port, '127.0.0.1');
  const outcome = new Promise<string>((resolve) => {
    sock.on('data', (d) => resolve(d.toString()));
    sock.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    sock.on('close', () => resolve('closed'));
  });
  return { sock, outcome };
}

for (const mode of ['native', 'hold'] as const) {
  test(`${mode} pause: clients arriving while paused are served on resume, none reset`, async (t) => {
    const prev = process.env.HALB_LISTEN_PAUSE;
    if (mode === 'hold') process.env.HALB_LISTEN_PAUSE = 'hold';
    const { g, got, refused, until } = gate(1024);
    if (prev === undefined) delete process.env.HALB_LISTEN_PAUSE;
    else process.env.HALB_LISTEN_PAUSE = prev;
    await g.listen(BIND, 1024);
    t.after(() => g.close());
    const port = g.address()!.port;
    g.pause();
    assert.equal(g.isPaused, true);
    const clients = Array.from({ length: 20 }, () => client(port));
    await Promise.all(clients.map((c) => new Promise((r) => c.sock.once('connect', r))));
    assert.equal(got.length, 0, 'nothing handed over while paused');
    g.resume();
    await until(20);
    for (const s of got) s.end('hi');
    assert.deepEqual(
      await Promise.all(clients.map((c) => c.outcome)),
      clients.map(() => 'hi'),
    );
    assert.deepEqual(refused, []);
    assert.equal(g.address()!.port, port, 'same port after resume');
    for (const c of clients) c.sock.destroy();
    for (const s of got) s.destroy(); // close() waits for accepted sockets, as net.Server does
  });
}

test('hold pause: past holdMax new clients are closed and reported, the held ones served', async (t) => {
  process.env.HALB_LISTEN_PAUSE = 'hold';
  const { g, got, refused, until } = gate(2);
  delete process.env.HALB_LISTEN_PAUSE;
  await g.listen(BIND, 1024);
  t.after(() => g.close());
  g.pause();
  const clients = Array.from({ length: 5 }, () => client(g.address()!.port));
  const outcomes = Promise.all(clients.map((c) => c.outcome));
  // Three are closed by the proxy (they see the close), two wait.
  await Promise.all(clients.map((c) => new Promise((r) => c.sock.once('connect', r))));
  for (let i = 0; i < 10_000 && refused.length < 3; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(refused, Array(3).fill('maxconn reached and accept queue full'));
  g.resume();
  await until(2);
  for (const s of got) s.end('hi');
  const res = await outcomes;
  assert.equal(res.filter((r) => r === 'hi').length, 2);
  assert.equal(res.filter((r) => r !== 'hi').length, 3);
  for (const c of clients) c.sock.destroy();
  for (const s of got) s.destroy();
});
