// Side by side with the real HAProxy (Debian package): the same servers checked by
// haproxy and by halb's checkers must be judged DOWN with the same reason and code.
// Skipped when the haproxy binary is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HealthCheckSpec } from '../../../src/config/model.js';
import { runCheck } from '../../../src/health/checkers.js';
import { checkTiming } from '../../../src/health/rise-fall.js';
import { closedPort, httpServer, tcpServer } from '../../helpers/health/servers.js';
import { ms } from '../../helpers/health/model.js';

const haveHaproxy = spawnSync('haproxy', ['-v']).status === 0;

test('DOWN reasons and codes match haproxy for wrong status, refused, timeout, ssl-hello and tcp-check', { skip: haveHaproxy ? false : 'haproxy not installed' }, async (t) => {
  const http500 = await httpServer(() => 500);
  const hang = await tcpServer(() => {});
  const plain = await httpServer(() => 200);
  const redisErr = await tcpServer((s) => s.on('data', () => s.end('-ERR nope\r\n')));
  const refused = await closedPort();
  const dir = mkdtempSync(join(tmpdir(), 'halb-hacompat-'));
  t.after(async () => {
    await Promise.all([http500.close(), hang.close(), plain.close(), redisErr.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  const check = ms(300);
  const cases: Array<{ be: string; port: number; spec: HealthCheckSpec; cfg: string[]; timeoutCheck?: number }> = [
    { be: 'b_status', port: http500.port, spec: { type: 'http', method: 'GET', uri: '/healthz', version: 'HTTP/1.0' }, cfg: ['option httpchk GET /healthz'] },
    { be: 'b_refused', port: refused, spec: { type: 'tcp' }, cfg: [] },
    { be: 'b_hang', port: hang.port, spec: { type: 'http', method: 'GET', uri: '/', version: 'HTTP/1.0' }, cfg: ['option httpchk GET /', `timeout check ${check}`], timeoutCheck: check },
    { be: 'b_sslhello', port: plain.port, spec: { type: 'ssl-hello' }, cfg: ['option ssl-hello-chk'] },
    {
      be: 'b_tcpcheck',
      port: redisErr.port,
      spec: {
        type: 'tcp-check',
        steps: [
          { kind: 'send', data: 'PING\r\n' },
          { kind: 'expect', match: 'string', pattern: '+PONG', negate: false },
        ],
      },
      cfg: ['option tcp-check', 'tcp-check send PING\\r\\n', 'tcp-check expect string +PONG'],
    },
  ];
  const inter = ms(1000);
  const lines = ['global', '  log stdout format raw local0 info', 'defaults', '  mode tcp', '  log global', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s'];
  // haproxy refuses to start without a listener; a unix socket needs no port.
  lines.push('frontend f', `  bind unix@${join(dir, 'fe.sock')}`, '  default_backend b_refused');
  for (const c of cases) {
    lines.push(`backend ${c.be}`, ...c.cfg.map((l) => `  ${l}`), `  server s1 127.0.0.1:${c.port} check inter ${inter} fall 1 rise 1`);
  }
  // Starting state: with fall 3, haproxy still marks a failing server DOWN at its FIRST
  // check ("up, but will fall down at first failure"), as halb's rise/fall core does.
  lines.push('backend b_fall3', '  option httpchk GET /healthz', `  server s1 127.0.0.1:${http500.port} check inter ${inter} fall 3 rise 2`);
  const cfgPath = join(dir, 'haproxy.cfg');
  writeFileSync(cfgPath, lines.join('\n') + '\n');

  const spawnedAt = performance.now();
  const seenAt = new Map<string, number>();
  const child = spawn('haproxy', ['-db', '-f', cfgPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    child.kill('SIGKILL');
  });
  const seen = new Map<string, { reason: string; code?: number; info?: string }>();
  let out = '';
  const done = new Promise<void>((resolve) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      for (const m of out.matchAll(/Server (\S+)\/s1 is DOWN, reason: ([^,.]+)(?:, code: (\d+))?(?:, info: "([^"]*)")?/g)) {
        seen.set(m[1]!, { reason: m[2]!, ...(m[3] ? { code: Number(m[3]) } : {}), ...(m[4] !== undefined ? { info: m[4] } : {}) });
        if (!seenAt.has(m[1]!)) seenAt.set(m[1]!, performance.now() - spawnedAt);
      }
      if (seen.size === cases.length + 1) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => resolve());
  });
  await Promise.race([done, new Promise((r) => setTimeout(r, ms(8000)))]);
  assert.equal(seen.size, cases.length + 1, `haproxy output:\n${out}`);
  const fall3 = seenAt.get('b_fall3')!;
  assert.ok(fall3 < 1.6 * inter, `haproxy marked the fall-3 server DOWN after ${fall3.toFixed(0)} ms: at its first check`);
  if (process.env.HALB_TEST_VERBOSE) console.log(out);

  for (const c of cases) {
    const r = await runCheck(c.spec, { host: '127.0.0.1', port: c.port, ssl: false, rejectUnauthorized: false }, { timing: checkTiming(inter, c.timeoutCheck, 1000) });
    const ha = seen.get(c.be)!;
    assert.equal(r.ok, false, c.be);
    assert.equal(r.reason, ha.reason, `${c.be}: halb '${r.reason}' vs haproxy '${ha.reason}'`);
    assert.equal(r.code, ha.code, `${c.be}: code`);
    if (ha.info !== undefined) assert.equal(r.detail, ha.info, `${c.be}: info`);
  }
});
