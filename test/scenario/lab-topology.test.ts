// Scenario: the lab topology itself. Proves hosts reach each other over the bridge, link down/up
// cuts and restores a host, every spawned process and namespace is gone after destroy (also after
// a failed build), parallel labs do not collide, and cleanupStale removes only dead labs' leftovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Lab } from '../../src/lab/topology.js';
import { cleanupStale, pidAlive } from '../../src/lab/cleanup.js';
import { run } from '../../src/lab/run.js';
import { IFNAME_MAX } from '../../src/lab/names.js';
import { requireRoot } from '../../src/lab/root.js';
import { waitFor } from '../../src/lab/wait.js';
import { ts, checkNoLeftoversAfterAll } from './lab-helpers.js';

const skip = await requireRoot();
checkNoLeftoversAfterAll();

async function netnsList(): Promise<string[]> {
  const r = await run('ip', ['netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);
}

const ping = (lab: Lab, from: string, to: string) => lab.exec(from, ['ping', '-c', '1', '-W', '1', to], { allowFail: true });

test('hosts reach each other over IPv4 and IPv6; link down cuts a host off, link up restores it', { skip, timeout: ts(30_000) }, async (t) => {
  const lab = await Lab.create({ hosts: [{ name: 'a' }, { name: 'b' }, { name: 'c', v6: false }] });
  t.after(() => lab.destroy());
  const [a, b] = [lab.host('a'), lab.host('b')];
  for (const h of lab.hosts) assert.ok(h.port.length <= IFNAME_MAX && h.ifname.length <= IFNAME_MAX);
  assert.equal(lab.host('c').v6, undefined);
  assert.equal((await ping(lab, 'a', b.v4)).code, 0, 'a → b over IPv4');
  assert.equal((await ping(lab, 'b', a.v6!)).code, 0, 'b → a over IPv6');
  const lo = await lab.exec('a', ['ip', '-j', 'link', 'show', 'lo']);
  assert.match(lo.stdout, /"operstate":"UNKNOWN"|LOWER_UP/, 'lo is up');

  await lab.linkDown('b');
  assert.notEqual((await ping(lab, 'a', b.v4)).code, 0, 'b unreachable with its link down');
  await lab.linkUp('b');
  await waitFor('b reachable again', async () => (await ping(lab, 'a', b.v4)).code === 0, { timeoutMs: ts(5000), intervalMs: 100 });
  assert.equal((await ping(lab, 'a', b.v6!)).code, 0, 'IPv6 address kept over the link flap');
});

test('destroy kills every spawned process and removes every namespace; it is idempotent', { skip, timeout: ts(30_000) }, async () => {
  const lab = await Lab.create({ hosts: [{ name: 'a' }, { name: 'b' }] });
  const ns = [lab.switchNs, lab.host('a').ns, lab.host('b').ns];
  try {
    const p1 = lab.spawn('a', ['sleep', '300']);
    // A grandchild in another process group: only the namespace sweep can find it.
    const p2 = lab.spawn('b', ['sh', '-c', 'setsid sleep 301 & wait']);
    await waitFor(
      'processes to be inside their namespaces',
      async () => {
        const r = await run('ip', ['netns', 'pids', lab.host('b').ns]);
        return r.stdout.trim().split(/\s+/).length >= 2;
      },
      { timeoutMs: ts(5000) },
    );
    const inB = (await run('ip', ['netns', 'pids', lab.host('b').ns])).stdout.trim().split(/\s+/).map(Number);
    await lab.destroy();
    await lab.destroy();
    assert.equal(p1.running, false);
    assert.equal(p2.running, false);
    for (const pid of [p1.pid, ...inB]) assert.equal(pidAlive(pid) && existsSync(`/proc/${pid}/status`) && !/State:\s+Z/.test(await readStatus(pid)), false, `pid ${pid} still alive`);
    const left = await netnsList();
    for (const n of ns) assert.ok(!left.includes(n), `namespace ${n} left behind`);
    assert.equal(existsSync(lab.workDir), false, 'work dir removed');
  } finally {
    await lab.destroy();
  }
});

async function readStatus(pid: number): Promise<string> {
  const r = await run('cat', [`/proc/${pid}/status`], { allowFail: true });
  return r.stdout;
}

test('a failed build leaves nothing behind', { skip, timeout: ts(30_000) }, async () => {
  const before = (await netnsList()).filter((n) => n.startsWith(`hlab-${process.pid}-`));
  await assert.rejects(Lab.create({ hosts: [{ name: 'a' }, { name: 'b', v4: '10.77.0.300/24' }] }), /10\.77\.0\.300/);
  const after = (await netnsList()).filter((n) => n.startsWith(`hlab-${process.pid}-`));
  assert.deepEqual(after, before);
});

test('two labs side by side do not collide', { skip, timeout: ts(30_000) }, async (t) => {
  const [l1, l2] = await Promise.all([Lab.create({ hosts: [{ name: 'a' }, { name: 'b' }] }), Lab.create({ hosts: [{ name: 'a' }, { name: 'b' }] })]);
  t.after(() => Promise.all([l1.destroy(), l2.destroy()]));
  assert.notEqual(l1.id, l2.id);
  // Same addresses in both labs, isolated from each other: b of l2 goes down, l1 is unaffected.
  await l2.linkDown('b');
  assert.equal((await ping(l1, 'a', l1.host('b').v4)).code, 0);
  assert.notEqual((await ping(l2, 'a', l2.host('b').v4)).code, 0);
});

test('cleanupStale removes leftovers of dead labs with its prefix only', { skip, timeout: ts(30_000) }, async (t) => {
  // A pid that certainly is dead: a process that already exited.
  const gone = (await run('sh', ['-c', 'echo $$'])).stdout.trim();
  const dead = `hlabt-${gone}-zzzz-n1`;
  const live = `hlabt-${process.pid}-zzzz-n1`;
  const other = `hlabu-${gone}-zzzz-n1`;
  t.after(async () => {
    for (const n of [dead, live, other]) await run('ip', ['netns', 'del', n], { allowFail: true });
  });
  for (const n of [dead, live, other]) await run('ip', ['netns', 'add', n]);
  const sleeper = (await import('node:child_process')).spawn('ip', ['netns', 'exec', dead, 'sleep', '300'], { stdio: 'ignore' });
  t.after(() => sleeper.kill('SIGKILL'));
  await waitFor('sleeper inside the dead lab namespace', async () => (await run('ip', ['netns', 'pids', dead])).stdout.trim() !== '', { timeoutMs: ts(5000) });
  const r = await cleanupStale('hlabt');
  assert.deepEqual(r.namespaces, [dead]);
  assert.ok(r.processes >= 1, 'killed the process inside');
  const left = await netnsList();
  assert.ok(!left.includes(dead));
  assert.ok(left.includes(live), 'a live process lab is untouched');
  assert.ok(left.includes(other), 'another prefix is untouched');
  await waitFor('sleeper killed', () => sleeper.exitCode !== null || sleeper.signalCode !== null, { timeoutMs: ts(5000) });
});

test('a lab whose process was SIGKILLed is swept by the next cleanupStale, daemons included', { skip, timeout: ts(30_000) }, async (t) => {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const topo = fileURLToPath(new URL('../../src/lab/topology.js', import.meta.url));
  const script = `
    const { Lab } = await import(${JSON.stringify(topo)});
    const lab = await Lab.create({ hosts: [{ name: 'a' }, { name: 'b' }] });
    lab.spawn('a', ['sleep', '300']);
    console.log('ready');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor('the doomed lab to be built', () => out.includes('ready'), { timeoutMs: ts(15_000) });
  const tag = `hlab-${child.pid}-`;
  const mine = (await netnsList()).filter((n) => n.startsWith(tag));
  assert.equal(mine.length, 3, 'switch + 2 hosts');
  const sleeper = (await run('ip', ['netns', 'pids', mine.find((n) => n.endsWith('-a'))!])).stdout.trim().split(/\s+/).map(Number);
  assert.equal(sleeper.length, 1);
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.ok(pidAlive(sleeper[0]!), 'its daemon outlived the crashed lab process');
  const r = await cleanupStale('hlab');
  for (const n of mine) assert.ok(r.namespaces.includes(n), `${n} swept`);
  assert.deepEqual(
    (await netnsList()).filter((n) => n.startsWith(tag)),
    [],
  );
  await waitFor('the orphaned daemon to be gone', async () => !/State:\s+[^Z]/.test(await readStatus(sleeper[0]!)), { timeoutMs: ts(5000) });
});
