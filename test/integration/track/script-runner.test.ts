// Real processes: small shell scripts in a temp dir, run without a shell by the runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLogger } from '../../helpers/log-capture.js';
import { runCommandLine } from '../../../src/track/script-runner.js';
import { NotifyRunner } from '../../../src/track/notify.js';
import type { UserDb } from '../../../src/track/users.js';
import { TIMESCALE as SCALE } from '../../helpers/timescale.js';

const isRoot = process.getuid?.() === 0;

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'halb-track-'));
  // mkdtemp gives 0700 owned by us; keep it so, the security checks look at real modes.
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function script(dir: string, name: string, body: string, mode = 0o755): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, mode);
  return p;
}

/** Alive and not a zombie (a killed orphan may stay a zombie if PID 1 does not reap). */
function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

test('success and failure by exit status; arguments split like keepalived (quotes honoured, no shell)', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'args');
  const s = script(dir, 'ok.sh', `for a in "$@"; do printf '%s|' "$a" >> ${out}; done; exit 0`);
  const r = await runCommandLine(`${s} one 'two words' "three;echo x" $HOME`, { timeoutMs: 5000 * SCALE });
  assert.equal(r.ok, true, r.reason);
  assert.equal(r.exitCode, 0);
  assert.equal(readFileSync(out, 'utf8'), 'one|two words|three;echo x|$HOME|');
  const f = script(dir, 'fail.sh', 'exit 3');
  const r2 = await runCommandLine(f, { timeoutMs: 5000 * SCALE });
  assert.deepEqual([r2.ok, r2.exitCode, r2.reason], [false, 3, 'exited with status 3']);
  const r3 = await runCommandLine(join(dir, 'missing.sh'), { timeoutMs: 5000 * SCALE });
  assert.equal(r3.ok, false);
  assert.match(r3.reason, /ENOENT/);
});

test('timeout kills the whole process group (the script and what it started)', async (t) => {
  const dir = tempDir(t);
  const pidFile = join(dir, 'child.pid');
  // The script starts a background sleeper, records its pid and then waits forever.
  const s = script(dir, 'hang.sh', `sleep 60 & echo $! > ${pidFile}; wait`);
  const started = performance.now();
  const r = await runCommandLine(s, { timeoutMs: 300 * SCALE, killGraceMs: 500 * SCALE });
  const took = performance.now() - started;
  assert.equal(r.ok, false);
  assert.equal(r.timedOut, true);
  assert.match(r.reason, /timed out/);
  assert.ok(took < 5000 * SCALE, `took ${took} ms`);
  const childPid = Number(readFileSync(pidFile, 'utf8'));
  t.after(() => {
    if (pidAlive(childPid)) process.kill(childPid, 'SIGKILL');
  });
  // The grandchild got the group signal too.
  for (let i = 0; i < 50 && pidAlive(childPid); i++) await new Promise((res) => setTimeout(res, 20));
  assert.equal(pidAlive(childPid), false, 'background child survived the timeout');
});

test('a script ignoring SIGTERM is SIGKILLed after the grace period', async (t) => {
  const dir = tempDir(t);
  const s = script(dir, 'stubborn.sh', `trap '' TERM; while :; do sleep 0.05; done`);
  const r = await runCommandLine(s, { timeoutMs: 200 * SCALE, killGraceMs: 300 * SCALE });
  assert.equal(r.timedOut, true);
  assert.equal(r.signal, 'SIGKILL');
});

test("'</dev/tcp/HOST/PORT' checks a TCP port; '</path' checks a file opens", async (t) => {
  const srv = createServer((s) => s.destroy());
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  t.after(() => srv.close());
  const port = (srv.address() as { port: number }).port;
  assert.equal((await runCommandLine(`</dev/tcp/127.0.0.1/${port}`, { timeoutMs: 2000 * SCALE })).ok, true);
  srv.close();
  await new Promise((res) => setTimeout(res, 20));
  const closed = await runCommandLine(`</dev/tcp/127.0.0.1/${port}`, { timeoutMs: 2000 * SCALE });
  assert.equal(closed.ok, false);
  const dir = tempDir(t);
  writeFileSync(join(dir, 'flag'), '1');
  assert.equal((await runCommandLine(`<${join(dir, 'flag')}`, { timeoutMs: 1000 })).ok, true);
  assert.equal((await runCommandLine(`<${join(dir, 'none')}`, { timeoutMs: 1000 })).ok, false);
});

test('runs as another user via uid/gid (root only)', { skip: isRoot ? false : 'needs root to switch users' }, async (t) => {
  const dir = tempDir(t);
  chmodSync(dir, 0o755);
  const out = join(dir, 'id');
  writeFileSync(out, '');
  chmodSync(out, 0o666);
  const s = script(dir, 'id.sh', `id -u > ${out}`);
  const r = await runCommandLine(s, { timeoutMs: 5000 * SCALE, uid: 65534, gid: 65534 });
  assert.equal(r.ok, true, r.reason);
  assert.equal(readFileSync(out, 'utf8').trim(), '65534');
});

const rootDb: UserDb = { user: (n) => (n === 'root' ? { uid: 0, gid: 0 } : undefined), group: (n) => (n === 'root' ? 0 : undefined) };

test('notify: state script then generic notify with TYPE NAME STATE PRIORITY, in order, never blocking', async (t) => {
  const dir = tempDir(t);
  const log = join(dir, 'log');
  const rec = script(dir, 'rec.sh', `sleep 0.05; echo "$0 $*" >> ${log}`);
  const { logger } = captureLogger({ level: 'debug' });
  const n = new NotifyRunner({ logger, userDb: rootDb, scriptUser: { user: 'root' }, timeoutMs: 5000 * SCALE });
  t.after(() => n.stop());
  const target = { type: 'INSTANCE' as const, name: 'VI_1', notify: { master: `${rec} master-arg`, any: rec } };
  const before = performance.now();
  n.notify(target, 'MASTER', 101);
  n.notify(target, 'BACKUP', 99);
  n.notify({ type: 'GROUP', name: 'G1', notify: { any: `"${rec}" grp` } }, 'FAULT', 77);
  assert.ok(performance.now() - before < 40, 'notify() must return at once');
  await n.idle();
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  const inst = lines.filter((l) => !l.includes('grp'));
  assert.deepEqual(inst, [`${rec} master-arg`, `${rec} INSTANCE VI_1 MASTER 101`, `${rec} INSTANCE VI_1 BACKUP 99`]);
  assert.ok(lines.includes(`${rec} grp GROUP G1 FAULT 0`), lines.join('\n'));
  assert.deepEqual(n.stats, { runs: 4, failures: 0, refused: 0 });
});

test('notify: failures and timeouts are logged, not thrown', async (t) => {
  const dir = tempDir(t);
  const bad = script(dir, 'bad.sh', 'exit 2');
  const slow = script(dir, 'slow.sh', 'sleep 30');
  const { logger, lines } = captureLogger({ level: 'debug' });
  const n = new NotifyRunner({ logger, userDb: rootDb, scriptUser: { user: 'root' }, timeoutMs: 200 * SCALE });
  t.after(() => n.stop());
  n.notify({ type: 'INSTANCE', name: 'V', notify: { fault: bad, any: slow } }, 'FAULT', 50);
  await n.idle();
  assert.equal(n.stats.failures, 2);
  const failed = lines.filter((l) => l.msg === 'notify script failed').map((l) => l.reason);
  assert.deepEqual(failed, ['exited with status 2', `timed out after ${200 * SCALE} ms`]);
});

test('enable_script_security refuses a world-writable script run as root, with a clear log', { skip: isRoot ? false : 'scripts run as root only when halb is root' }, async (t) => {
  const dir = tempDir(t);
  const marker = join(dir, 'ran');
  const ww = script(dir, 'ww.sh', `touch ${marker}`, 0o777);
  chmodSync(ww, 0o777); // umask-proof
  const { logger, lines } = captureLogger({ level: 'debug' });
  const strict = new NotifyRunner({ logger, userDb: rootDb, scriptUser: { user: 'root' }, enforceSecurity: true, timeoutMs: 5000 * SCALE });
  t.after(() => strict.stop());
  strict.notify({ type: 'INSTANCE', name: 'V', notify: { master: ww } }, 'MASTER', 100);
  await strict.idle();
  assert.equal(existsSync(marker), false, 'the insecure script ran');
  assert.equal(strict.stats.refused, 1);
  const refusal = lines.find((l) => l.msg === 'notify script refused');
  assert.ok(refusal);
  assert.match(String(refusal.reason), /writable by everyone/);
  assert.match(String(refusal.reason), /ww\.sh/);
  // Same script, security off: runs, with a SECURITY warning.
  const lax = new NotifyRunner({ logger, userDb: rootDb, scriptUser: { user: 'root' }, timeoutMs: 5000 * SCALE });
  t.after(() => lax.stop());
  lax.notify({ type: 'INSTANCE', name: 'V', notify: { master: ww } }, 'MASTER', 100);
  await lax.idle();
  assert.equal(existsSync(marker), true);
  assert.ok(lines.some((l) => l.msg === 'SECURITY: insecure notify script'));
});
