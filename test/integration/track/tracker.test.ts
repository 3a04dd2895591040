// keepalived.conf -> Tracker with real scripts and a real track file: the change events and
// the instance verdict the VRRP runtime will consume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { captureLogger } from '../../helpers/log-capture.js';
import { join } from 'node:path';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import { memorySource, parseKeepalived } from '../../../src/config/keepalived/load.js';
import { Tracker } from '../../../src/track/tracker.js';
import type { TrackChange } from '../../../src/track/types.js';
import type { UserDb } from '../../../src/track/users.js';
import { silentLogger } from '../../../src/log/logger.js';
import { monotonicClock } from '../../../src/util/clock.js';
import { TIMESCALE as SCALE } from '../../helpers/timescale.js';
import { eventually } from '../../helpers/eventually.js';

const selfDb: UserDb = {
  user: () => ({ uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }),
  group: () => process.getgid?.() ?? 0,
};

function waitFor(events: TrackChange[], pred: (e: TrackChange) => boolean, ms: number): Promise<TrackChange> {
  return eventually('a matching event', () => events.find(pred), ms, 20).catch((e: Error) => {
    throw new Error(`${e.message}; got ${JSON.stringify(events)}`);
  });
}

test('tracker: script rise/fall, interface and track file drive the instance verdict', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-tracker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const flag = join(dir, 'healthy');
  const chk = join(dir, 'chk.sh');
  writeFileSync(chk, `#!/bin/sh\ntest -f ${flag}\n`);
  chmodSync(chk, 0o755);
  writeFileSync(flag, '');
  const prioFile = join(dir, 'prio');
  const conf = `
global_defs {
  script_user nobody
}
vrrp_script chk {
  script "${chk}"
  interval 1
  fall 1
  rise 1
  weight -20
}
vrrp_script unused {
  script /bin/false
}
track_file prio {
  file ${prioFile}
  weight -1
  init_file 0
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 7
  priority 100
  virtual_ipaddress {
    10.0.0.7/24 dev eth1
  }
  track_script {
    chk
  }
  track_file {
    prio
  }
}
`;
  const d = new Diagnostics();
  const cfg = parseKeepalived('/etc/keepalived/keepalived.conf', memorySource({ '/etc/keepalived/keepalived.conf': conf }), d);
  assert.ok(cfg, JSON.stringify(d.items));
  const inst = cfg.instances[0]!;
  const tracker = new Tracker({ config: cfg, clock: monotonicClock, logger: silentLogger(), userDb: selfDb });
  const events: TrackChange[] = [];
  tracker.onChange((e) => events.push(e));
  t.after(() => tracker.stop());
  tracker.start();

  // init_file created the file with 0; it was read at start.
  assert.equal(tracker.fileValue('prio'), 0);
  // Interfaces unknown until the watcher speaks: no fault yet; only the tracked script is run.
  tracker.setInterface('eth0', true);
  tracker.setInterface('eth1', true);
  await waitFor(events, (e) => e.kind === 'script' && e.name === 'chk' && e.ok, 3000 * SCALE);
  assert.equal(tracker.scriptStatus('unused'), 'unknown');
  assert.deepEqual(tracker.verdict(inst), { priority: 100, faults: [], pending: [], fault: false });

  unlinkSync(flag);
  await waitFor(events, (e) => e.kind === 'script' && e.name === 'chk' && !e.ok, 4000 * SCALE);
  assert.equal(tracker.verdict(inst).priority, 80);

  writeFileSync(prioFile, '15\n');
  await waitFor(events, (e) => e.kind === 'file' && e.value === 15, 4000 * SCALE);
  assert.equal(tracker.verdict(inst).priority, 65);

  // A VIP's interface going down means FAULT (keepalived tracks VIP interfaces).
  tracker.setInterface('eth1', false);
  assert.deepEqual(tracker.verdict(inst).faults, ['interface:eth1']);
  assert.ok(events.some((e) => e.kind === 'interface' && e.name === 'eth1' && !e.ok));
});

test(
  'tracker: enable_script_security refuses a world-writable root script; it counts as failed (weight 0 -> FAULT)',
  { skip: process.getuid?.() === 0 ? false : 'scripts run as root only when halb is root' },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'halb-tracker-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const marker = join(dir, 'ran');
    const ww = join(dir, 'ww.sh');
    writeFileSync(ww, `#!/bin/sh\ntouch ${marker}\n`);
    chmodSync(ww, 0o777);
    const conf = `global_defs {\n enable_script_security\n script_user root\n}\nvrrp_script ww {\n script ${ww}\n}\nvrrp_instance V {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n  10.0.0.9\n }\n track_script {\n  ww\n }\n}\n`;
    const d = new Diagnostics();
    const cfg = parseKeepalived('/k.conf', memorySource({ '/k.conf': conf }), d);
    assert.ok(cfg, JSON.stringify(d.items));
    const rootDb: UserDb = { user: () => ({ uid: 0, gid: 0 }), group: () => 0 };
    const tracker = new Tracker({ config: cfg, clock: monotonicClock, logger: silentLogger(), userDb: rootDb });
    const events: TrackChange[] = [];
    tracker.onChange((e) => events.push(e));
    t.after(() => tracker.stop());
    tracker.start();
    const e = await waitFor(events, (x) => x.kind === 'script' && x.name === 'ww', 1000);
    assert.equal(e.ok, false);
    assert.match(e.reason ?? '', /writable by everyone/);
    tracker.setInterface('eth0', true);
    assert.deepEqual(tracker.verdict(cfg.instances[0]!).faults, ['script:ww']);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(existsSync(marker), false, 'the refused script ran');
  },
);

test('tracker: a track_file that is a FIFO is refused at once (no blocking open or read), with a warning', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-tracker-fifo-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fifo = join(dir, 'prio');
  execFileSync('mkfifo', [fifo]);
  const conf = `track_file prio {\n  file ${fifo}\n  weight -1\n  init_file 7 overwrite\n}\nvrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 7\n  priority 100\n  virtual_ipaddress {\n    10.0.0.7/24\n  }\n  track_file {\n    prio\n  }\n}\n`;
  const d = new Diagnostics();
  const cfg = parseKeepalived('/etc/keepalived/keepalived.conf', memorySource({ '/etc/keepalived/keepalived.conf': conf }), d);
  assert.ok(cfg, JSON.stringify(d.items));
  const log = captureLogger();
  const tracker = new Tracker({ config: cfg, clock: monotonicClock, logger: log.logger, userDb: selfDb });
  t.after(() => tracker.stop());
  // Before, start() opened the FIFO for writing (init_file) and then for reading: each open
  // waits for the other side, so this call never returned and the event loop stopped.
  tracker.start();
  const warn = await log.waitFor((l) => l.event === 'track_file_invalid', 2000);
  assert.match(String(warn.reason), /not a regular file \(it is a FIFO\)/);
  assert.ok(
    log.lines.some((l) => l.event === 'track_file_init'),
    'the init_file write was refused too',
  );
  assert.equal(tracker.verdict(cfg.instances[0]!).priority, 100);
});
