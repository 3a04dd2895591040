// VRRP adverts go on while the daemon reloads a large configuration. Two VRRP runtimes on the
// in-memory hub (master 150, backup 100, v3 adverts of 300 ms) share the event loop with a
// Daemon that is SIGHUP-reloaded with a ~1 MiB haproxy.cfg (fully parsed and validated, then
// refused for an error on its last line). The master's adverts must keep their pace — no gap
// near the backup's Master_Down_Interval — and the backup must never take over. Parsed on the
// event loop, this reload blocked it for 1-3 s: the backup became MASTER.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryHub } from '../../../src/vrrp/transport-memory.js';
import { MemoryVipManager } from '../../../src/vip/memory.js';
import { VrrpRuntime } from '../../../src/vrrp/runtime.js';
import { monotonicClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/log/logger.js';
import { Daemon } from '../../../src/daemon/daemon.js';
import { instance } from '../../helpers/vrrp-instance.js';
import { freePort } from '../../helpers/backends.js';
import { captureLogger } from '../../helpers/log-capture.js';
import { TIMESCALE as SCALE } from '../../helpers/timescale.js';
import { eventually } from '../../helpers/eventually.js';

// 300 ms adverts (Master_Down ~1.1 s): a busy machine (the suite runs beside a CPU hog) delays
// timers by a few hundred ms, which a 100 ms advert could not absorb, while a reload parsed on
// the event loop (the bug) still blocks it for several times Master_Down.
const ADVERT = Math.round((300 * SCALE) / 10) * 10;

function haproxyCfg(port: number, extra: string[] = []): string {
  return [
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 10s',
    '  timeout server 10s',
    'frontend web',
    `  bind 127.0.0.1:${port}`,
    '  default_backend app',
    'backend app',
    '  server s1 127.0.0.1:9',
    ...extra,
    '',
  ].join('\n');
}

test('a large reload leaves the VRRP master advertising on time: the backup never takes over', { timeout: 120_000 }, async (t) => {
  const hub = new MemoryHub();
  const sends: number[] = [];
  const runtime = (addr: string, priority: number) => {
    const ep = hub.endpoint(addr);
    const send = ep.send.bind(ep);
    if (priority === 150) ep.send = (p, d) => (sends.push(performance.now()), send(p, d));
    const inst = instance({ priority, advertInt: ADVERT, vips: ['10.0.0.100'], garp: { masterDelay: 0, masterRepeat: 1, masterRefreshRepeat: 1, interval: 0 } });
    const rt = new VrrpRuntime({ instances: [inst] }, { clock: monotonicClock, logger: silentLogger(), vips: new MemoryVipManager(), transportFor: () => ep });
    const transitions: string[] = [];
    rt.onTransition((_i, from, to, reason) => transitions.push(`${from}->${to} (${reason})`));
    return { rt, transitions, state: () => rt.status()[0]?.state };
  };
  const master = runtime('10.0.0.1', 150);
  const backup = runtime('10.0.0.2', 100);
  const dir = mkdtempSync(join(tmpdir(), 'halb-reload-vrrp-'));
  const cfg = join(dir, 'haproxy.cfg');
  const port = await freePort();
  writeFileSync(cfg, haproxyCfg(port));
  const log = captureLogger();
  const daemon = new Daemon({ sources: { haproxy: cfg }, logger: log.logger });
  t.after(async () => {
    master.rt.halt();
    backup.rt.halt();
    hub.close();
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await daemon.start();
  master.rt.start();
  backup.rt.start();
  await eventually('the election to settle', () => master.state() === 'MASTER' && backup.state() === 'BACKUP', 60 * ADVERT, 10).catch((e: Error) => {
    throw new Error(`${e.message}: ${master.state()} / ${backup.state()}`);
  });
  const settled = backup.transitions.length;

  // 1,000 backends of 20 servers (~1 MiB) and an error on the last line.
  const extra: string[] = [];
  for (let i = 0; i < 1000; i++) {
    extra.push(`backend b${i}`);
    for (let j = 0; j < 20; j++) extra.push(`  server s${j} 127.0.${i % 250}.${j + 1}:8080 weight 10`);
  }
  extra.push('backend last', '  balance roundrobn');
  writeFileSync(cfg, haproxyCfg(port, extra));

  const from = performance.now();
  assert.equal(await daemon.reload(), false);
  const reloadEnd = performance.now();
  // Three more adverts after the reload, so a gap that ends the reload is seen too.
  const after = sends.length;
  await eventually('three more adverts', () => sends.length >= after + 3, 20 * ADVERT, ADVERT / 4);
  assert.ok(log.lines.some((l) => l.event === 'reload_rejected'));

  const window = sends.filter((s) => s >= from - ADVERT);
  let maxGap = 0;
  for (let i = 1; i < window.length; i++) maxGap = Math.max(maxGap, window[i]! - window[i - 1]!);
  // RFC 9568 Master_Down_Interval = 3 x advert + skew (skew < advert for priority 100).
  const masterDown = 3 * ADVERT + ((256 - 100) * ADVERT) / 256;
  t.diagnostic(`reload ${Math.round(reloadEnd - from)} ms; ${window.length} adverts; longest gap ${Math.round(maxGap)} ms (advert ${ADVERT} ms, Master_Down ${Math.round(masterDown)} ms)`);
  assert.deepEqual(backup.transitions.slice(settled), [], 'the backup never changed state');
  assert.equal(master.state(), 'MASTER');
  assert.ok(maxGap < masterDown, `adverts paused ${Math.round(maxGap)} ms, more than Master_Down_Interval`);
});
