// README's first command must keep working: `halb demo` serves through halb on 127.0.0.1,
// takes a sick backend out of rotation, and exits 0 by itself with --duration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TIMESCALE as scale } from '../../helpers/timescale.js';
import { eventually } from '../../helpers/eventually.js';

const BIN = fileURLToPath(new URL('../../../../bin/halb.js', import.meta.url));
const DEMO_YAML = fileURLToPath(new URL('../../../../examples/demo.yaml', import.meta.url));

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

/** Probe errors (a refused connection while the demo starts) count as "not yet". */
const waitFor = (cond: () => Promise<boolean>, ms: number): Promise<unknown> => eventually('condition', cond, ms * scale, 100);

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((r) => {
          const s = net.createServer();
          s.listen(0, '127.0.0.1', () => r(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

test('halb demo: round robin over the demo backends, a sick one leaves, exit 0 after --duration', async (t) => {
  // The shipped demo.yaml with OS-allocated ports, so parallel runs never collide.
  const [httpPort, tcpPort, b1, b2, b3] = (await freePorts(5)) as [number, number, number, number, number];
  const dir = mkdtempSync(join(tmpdir(), 'halb-demo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const yaml = readFileSync(DEMO_YAML, 'utf8')
    .replaceAll('127.0.0.1:8080', `127.0.0.1:${httpPort}`)
    .replaceAll('127.0.0.1:8081', `127.0.0.1:${tcpPort}`)
    .replaceAll('18081', String(b1))
    .replaceAll('18082', String(b2))
    .replaceAll('18083', String(b3));
  assert.ok(!/:808[01]\b|1808[123]/.test(yaml), 'every fixed demo port was replaced');
  const cfg = join(dir, 'demo.yaml');
  writeFileSync(cfg, yaml);
  const args = [BIN, 'demo', '--config', cfg, '--backend-ports', `${b1},${b2},${b3}`, '--duration', String(Math.round(15 * scale)), '--log-level', 'warn'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  await waitFor(async () => err.includes('halb demo is running'), 10_000).catch((e: Error) => {
    throw new Error(`${e.message}; demo stderr: ${err}`);
  });
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) seen.add((await request('GET', httpPort, '/')).replace(/ \(.*/s, ''));
  assert.deepEqual([...seen].sort(), ['hello from backend-1', 'hello from backend-2', 'hello from backend-3']);

  await request('POST', b2, '/sick');
  // inter 1s, fall 3: out within ~3 checks.
  await waitFor(async () => {
    const got = new Set<string>();
    for (let i = 0; i < 6; i++) got.add(await request('GET', httpPort, '/'));
    return ![...got].some((b) => b.includes('backend-2'));
  }, 8_000);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
