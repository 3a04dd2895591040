// README's first command must keep working: `halb demo` serves through halb on 127.0.0.1,
// takes a sick backend out of rotation, and exits 0 by itself with --duration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import http from 'node:http';

const BIN = fileURLToPath(new URL('../../../../bin/halb.js', import.meta.url));
const scale = Number(process.env.HALB_TEST_TIMESCALE ?? '1');

function request(method: string, port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms * scale;
  for (;;) {
    if (await cond().catch(() => false)) return;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('halb demo: round robin over the demo backends, a sick one leaves, exit 0 after --duration', async (t) => {
  const child = spawn(process.execPath, [BIN, 'demo', '--duration', String(Math.round(15 * scale)), '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  await waitFor(async () => err.includes('halb demo is running'), 10_000);
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) seen.add((await request('GET', 8080, '/')).replace(/ \(.*/s, ''));
  assert.deepEqual([...seen].sort(), ['hello from backend-1', 'hello from backend-2', 'hello from backend-3']);

  await request('POST', 18082, '/sick');
  // inter 1s, fall 3: out within ~3 checks.
  await waitFor(async () => {
    const got = new Set<string>();
    for (let i = 0; i < 6; i++) got.add(await request('GET', 8080, '/'));
    return ![...got].some((b) => b.includes('backend-2'));
  }, 8_000);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
