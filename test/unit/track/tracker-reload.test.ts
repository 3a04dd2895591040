// Tracker.reload: scripts and track files follow the new definitions; unchanged ones keep
// their state. Script runs are injected (no processes), track files are in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tracker, type TrackFileIo } from '../../../src/track/tracker.js';
import type { TrackChange } from '../../../src/track/types.js';
import type { RunOptions, RunResult } from '../../../src/track/script-runner.js';
import type { UserDb } from '../../../src/track/users.js';
import { emptyVrrpConfig, type VrrpConfig, type VrrpScript, type VrrpTrackFile } from '../../../src/config/model-vrrp.js';
import { silentLogger } from '../../../src/log/logger.js';
import { monotonicClock } from '../../../src/util/clock.js';
import type { SecurityFs } from '../../../src/track/script-security.js';
import { instance } from '../../helpers/vrrp-instance.js';
import { TIMESCALE as SCALE } from '../../helpers/timescale.js';

const INTERVAL = 20;
const db: UserDb = { user: () => ({ uid: 1000, gid: 1000 }), group: () => 1000 };
const secFs: SecurityFs = {
  lstat: () => undefined,
  stat: () => ({ isFile: () => true, uid: 0, gid: 0, mode: 0o755 }) as never,
  realpath: (p) => p,
  executable: () => true,
};

function script(name: string, cmd: string): VrrpScript {
  return { name, script: cmd, interval: INTERVAL, fall: 1, rise: 1, weight: -10, weightReverse: false };
}

class MemFiles implements TrackFileIo {
  readonly content = new Map<string, string>();
  readonly watching = new Set<string>();
  read(path: string): string | undefined {
    return this.content.get(path);
  }
  write(path: string, c: string): void {
    this.content.set(path, c);
  }
  watch(path: string): () => void {
    this.watching.add(path);
    return () => this.watching.delete(path);
  }
}

function setup(t: { after: (f: () => unknown) => void }, config: VrrpConfig) {
  const runs: string[] = [];
  const files = new MemFiles();
  const changes: TrackChange[] = [];
  const run = async (cmd: string, _o: RunOptions): Promise<RunResult> => {
    runs.push(cmd);
    return { ok: !cmd.includes('fail'), timedOut: false, durationMs: 0, reason: 'test' } as RunResult;
  };
  const tr = new Tracker({ config, clock: monotonicClock, logger: silentLogger(), userDb: db, securityFs: secFs, self: { uid: 1000, gid: 1000 }, run, files });
  tr.onChange((c) => changes.push(c));
  t.after(() => tr.stop());
  tr.start();
  return { tr, runs, files, changes };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms * SCALE));

function cfg(tracks: string[], scripts: VrrpScript[], trackFiles: VrrpTrackFile[] = [], fileRefs: string[] = []): VrrpConfig {
  return {
    ...emptyVrrpConfig(),
    scripts,
    trackFiles,
    instances: [instance({ trackScripts: tracks.map((name) => ({ name })), trackFiles: fileRefs.map((name) => ({ name })) })],
  };
}

test('scripts that stop being tracked stop running; newly tracked ones start', async (t) => {
  const a = script('a', '/bin/a');
  const b = script('b', '/bin/b-fail');
  const { tr, runs, changes } = setup(t, cfg(['a'], [a, b]));
  await sleep(3 * INTERVAL);
  assert.ok(runs.includes('/bin/a'));
  assert.ok(!runs.includes('/bin/b-fail'), 'an untracked script never runs');
  tr.reload(cfg(['b'], [a, b]));
  runs.length = 0;
  await sleep(4 * INTERVAL);
  assert.ok(!runs.includes('/bin/a'), 'the dropped script no longer runs');
  assert.ok(runs.includes('/bin/b-fail'));
  assert.ok(changes.some((c) => c.name === 'b' && !c.ok));
  assert.equal(tr.scriptStatus('a'), 'unknown', 'forgotten');
  assert.deepEqual(
    tr.snapshot().filter((c) => c.kind === 'script'),
    [{ kind: 'script', name: 'b', ok: false }],
  );
});

test('an unchanged script keeps its state; a changed one starts over', async (t) => {
  const a = script('a', '/bin/a');
  const { tr, changes } = setup(t, cfg(['a'], [a]));
  await sleep(3 * INTERVAL);
  assert.equal(tr.scriptStatus('a'), 'ok');
  const reported = changes.length;
  tr.reload(cfg(['a'], [{ ...a, pos: { file: 'x', line: 9, col: 1 } } as VrrpScript]));
  assert.equal(tr.scriptStatus('a'), 'ok', 'kept across a reload that only moved it');
  await sleep(3 * INTERVAL);
  assert.equal(changes.length, reported, 'no new report');
  tr.reload(cfg(['a'], [{ ...a, script: '/bin/a-fail' }]));
  assert.equal(tr.scriptStatus('a'), 'unknown', 'redefined: starts over');
  await sleep(4 * INTERVAL);
  assert.equal(tr.scriptStatus('a'), 'failed');
  assert.ok(changes.slice(reported).some((c) => c.name === 'a' && !c.ok));
});

test('track files: added ones are read and watched, removed ones unwatched', (t) => {
  const f1: VrrpTrackFile = { name: 'f1', path: '/run/f1', weight: 1 };
  const f2: VrrpTrackFile = { name: 'f2', path: '/run/f2', weight: 1 };
  const { tr, files, changes } = setup(t, cfg([], [], [f1, f2], ['f1']));
  assert.deepEqual([...files.watching], ['/run/f1']);
  files.content.set('/run/f2', '5\n');
  tr.reload(cfg([], [], [f1, f2], ['f2']));
  assert.deepEqual([...files.watching], ['/run/f2']);
  assert.equal(tr.fileValue('f2'), 5);
  assert.ok(changes.some((c) => c.kind === 'file' && c.name === 'f2' && c.value === 5));
});
