// keepalived.conf track_file -> Tracker -> VRRP runtime, wired as the daemon wires them: a
// tracked file adds value x weight to the priority (keepalived trackers/track_file.c), and a
// total at or below -254 puts the instance in FAULT. The daemon once passed only "value is 0"
// across the seam, so a file read as 3 with weight -10 gave 90 instead of 70.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import { memorySource, parseKeepalived } from '../../../src/config/keepalived/load.js';
import { Tracker, type TrackFileIo } from '../../../src/track/tracker.js';
import { VrrpRuntime } from '../../../src/vrrp/runtime.js';
import { feedTrackChange } from '../../../src/vrrp/track-input.js';
import { MemoryHub } from '../../../src/vrrp/transport-memory.js';
import { MemoryVipManager } from '../../../src/vip/memory.js';
import { silentLogger } from '../../../src/log/logger.js';
import { monotonicClock } from '../../../src/util/clock.js';

function memoryFiles(contents: Map<string, string>): TrackFileIo & { fire(): void } {
  const watchers = new Set<() => void>();
  return {
    read: (p) => contents.get(p),
    write: (p, c) => void contents.set(p, c),
    watch: (_p, on) => {
      watchers.add(on);
      return () => watchers.delete(on);
    },
    fire: () => {
      for (const w of watchers) w();
    },
  };
}

function setup(t: { after: (f: () => unknown) => void }, fileDef: string, ref: string, value: string) {
  const conf = `
track_file prio {
  file /run/prio
  ${fileDef}
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 7
  priority 100
  virtual_ipaddress {
    10.0.0.7/24
  }
  track_file {
    prio ${ref}
  }
}
`;
  const d = new Diagnostics();
  const cfg = parseKeepalived('/etc/keepalived/keepalived.conf', memorySource({ '/etc/keepalived/keepalived.conf': conf }), d);
  assert.ok(cfg, JSON.stringify(d.items));
  const contents = new Map([['/run/prio', value]]);
  const files = memoryFiles(contents);
  const hub = new MemoryHub();
  const rt = new VrrpRuntime(
    { instances: cfg.instances, scripts: cfg.scripts, trackFiles: cfg.trackFiles },
    { clock: monotonicClock, logger: silentLogger(), vips: new MemoryVipManager(), transportFor: () => hub.endpoint('10.0.0.1') },
  );
  const tracker = new Tracker({ config: cfg, clock: monotonicClock, logger: silentLogger(), files });
  tracker.onChange((c) => feedTrackChange(rt, c));
  t.after(async () => {
    rt.halt();
    await tracker.stop();
    hub.close();
  });
  rt.start();
  tracker.start();
  const write = (v: string): void => {
    contents.set('/run/prio', v);
    files.fire();
  };
  return { rt, write, status: () => rt.status()[0]! };
}

test('track_file adds value x weight to the priority', (t) => {
  const { status, write } = setup(t, 'weight -10', '', '3');
  assert.equal(status().priority, 70);
  write('-2');
  assert.equal(status().priority, 120);
  write('0');
  assert.equal(status().priority, 100);
});

test('track_file weight set on the instance, with reverse, flips the sign', (t) => {
  const { status } = setup(t, '', 'weight 10 reverse', '3');
  assert.equal(status().priority, 70);
});

test('track_file: value x weight at or below -254 is FAULT; recovering leaves FAULT', (t) => {
  const { status, write } = setup(t, 'weight -10', '', '30');
  assert.equal(status().state, 'FAULT');
  write('25');
  assert.equal(status().state, 'BACKUP');
  assert.equal(status().priority, 1);
});

test('track_file weight 0: any non-zero value is FAULT', (t) => {
  const { status, write } = setup(t, 'weight 0', '', '1');
  assert.equal(status().state, 'FAULT');
  write('0');
  assert.equal(status().state, 'BACKUP');
  assert.equal(status().priority, 100);
});
