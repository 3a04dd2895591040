// The `ip -o monitor link` child of the link watcher never outlives halb, and a SIGTERM that
// reached it with the rest of the process group (Ctrl-C, `timeout`, systemd) is no warning while
// halb stops. A stand-in `ip` (a shell script that sleeps as the monitor) keeps this root-free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LinuxInterfaceWatcher, findSetpriv } from '../../../src/vip/interface-watch.js';
import { eventually } from '../../helpers/eventually.js';

const watchJs = fileURLToPath(new URL('../../../src/vip/interface-watch.js', import.meta.url));

function fakeIp(t: import('node:test').TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'halb-fake-ip-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ip = join(dir, 'ip');
  writeFileSync(ip, `#!/bin/sh\nif [ "$2" = monitor ]; then exec /bin/sleep 600; fi\necho "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP"\n`);
  chmodSync(ip, 0o755);
  return ip;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function gone(pid: number, ms = 5000): Promise<boolean> {
  return eventually(`pid ${pid} gone`, () => !alive(pid), ms, 20).then(
    () => true,
    () => false,
  );
}

/** A process running a watcher; prints the monitor child's pid, then does `end`. */
async function watcherProcess(t: import('node:test').TestContext, ip: string, end: 'wait' | 'throw' | 'exit'): Promise<{ pid: number; monitor: number; exited: Promise<unknown> }> {
  const script = `
    const { LinuxInterfaceWatcher } = await import(${JSON.stringify(watchJs)});
    const w = new LinuxInterfaceWatcher({ interfaces: ['eth0'], ipBinary: ${JSON.stringify(ip)} });
    await w.start();
    process.stdout.write(String(w.childPid) + '\\n');
    if (${JSON.stringify(end)} === 'throw') setTimeout(() => { throw new Error('crash for the test'); }, 50);
    else if (${JSON.stringify(end)} === 'exit') setTimeout(() => process.exit(3), 50);
    else setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise((r) => child.once('exit', r));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const monitor = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', () => reject(new Error('watcher process exited before printing its child')));
  });
  t.after(() => {
    if (alive(monitor)) process.kill(monitor, 'SIGKILL');
  });
  return { pid: child.pid!, monitor, exited };
}

test('interface watcher: the monitor child ends with halb on SIGKILL (parent death signal)', { skip: findSetpriv() ? false : 'setpriv (util-linux) not installed' }, async (t) => {
  const p = await watcherProcess(t, fakeIp(t), 'wait');
  assert.ok(alive(p.monitor));
  process.kill(p.pid, 'SIGKILL');
  await p.exited;
  assert.ok(await gone(p.monitor), 'no orphaned monitor after SIGKILL');
});

for (const end of ['throw', 'exit'] as const) {
  test(`interface watcher: the monitor child ends with halb on ${end === 'throw' ? 'an uncaught exception' : 'process.exit'}, even without setpriv`, async (t) => {
    const ip = fakeIp(t);
    // PATH without setpriv: only the exit hook can end the child.
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    let p;
    try {
      p = await watcherProcess(t, ip, end);
    } finally {
      process.env.PATH = saved;
    }
    assert.ok(alive(p.monitor), 'the monitor runs until the process ends');
    await p.exited;
    assert.ok(await gone(p.monitor), `no orphaned monitor after ${end}`);
  });
}

test('interface watcher: a monitor killed by SIGTERM is reported only if halb is still running at the restart', async (t) => {
  const ip = fakeIp(t);
  const errors: string[] = [];
  const w = new LinuxInterfaceWatcher({ interfaces: ['eth0'], ipBinary: ip, restartDelayMs: 300, onError: (e) => errors.push(e.message) });
  t.after(() => w.stop());
  await w.start();
  // The group's SIGTERM reaches the child; halb's stop follows at once: nothing to report.
  let pid = w.childPid!;
  process.kill(pid, 'SIGTERM');
  assert.ok(await gone(pid));
  w.stop();
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(errors, []);

  // The child alone killed, halb running: reported when it is restarted.
  await w.start();
  pid = w.childPid!;
  process.kill(pid, 'SIGTERM');
  await eventually('the exit reported', () => errors.length > 0, 5000, 20);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /ip monitor link exited \(SIGTERM\)/);
  await eventually('the monitor restarted', () => w.childPid !== undefined, 5000, 20);
  assert.ok(w.childPid !== undefined && w.childPid !== pid, 'restarted');
});
