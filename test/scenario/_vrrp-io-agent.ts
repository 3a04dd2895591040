// Runs inside a test namespace (`ip netns exec NS node _vrrp-io-agent.js`) and drives the real
// adapters there: JSON commands on stdin, JSON replies and events on stdout, one per line.
import { createInterface } from 'node:readline';
import { RawSocketPool, openRawTransport, type RawVrrpTransport } from '../../src/vrrp/socket-raw.js';
import { LinuxVipManager } from '../../src/vip/linux.js';
import { LinuxInterfaceWatcher } from '../../src/vip/interface-watch.js';
import type { VirtualAddress } from '../../src/config/model-vrrp.js';
import type { ReceivedVrrp } from '../../src/vrrp/transport.js';

type Cmd =
  | { id: number; op: 'open'; tid: string; family: 4 | 6; ifname: string; vrid?: number; unicastSrcIp?: string; unicastPeers?: string[] }
  | { id: number; op: 'send'; tid: string; hex: string; dest?: string }
  | { id: number; op: 'close'; tid: string }
  | { id: number; op: 'vip'; action: 'add' | 'remove' | 'announce' | 'cleanup'; vip?: VirtualAddress; ifname?: string; runDir: string; count?: number }
  | { id: number; op: 'watch'; interfaces: string[] }
  /** Repeat fast path: arm with the last packet received on `tid`; take the absorbed count. */
  | { id: number; op: 'arm'; tid: string }
  | { id: number; op: 'take'; tid: string };

const out = (o: unknown): void => void process.stdout.write(JSON.stringify(o) + '\n');
const pool = new RawSocketPool();
const transports = new Map<string, RawVrrpTransport>();
/** Closed transports stay reachable, so a send after close exercises the real closed transport. */
const closed = new Map<string, RawVrrpTransport>();
const lastPacket = new Map<string, ReceivedVrrp>();
const vips = new Map<string, LinuxVipManager>();
let watcher: LinuxInterfaceWatcher | undefined;

function vipManager(runDir: string): LinuxVipManager {
  let m = vips.get(runDir);
  if (!m) vips.set(runDir, (m = new LinuxVipManager({ runDir })));
  return m;
}

async function handle(c: Cmd): Promise<unknown> {
  switch (c.op) {
    case 'open': {
      const t = await openRawTransport({ ...c, pool });
      transports.set(c.tid, t);
      const tid = c.tid;
      t.onPacket((p) => {
        lastPacket.set(tid, p);
        out({ event: 'packet', tid, src: p.src, dst: p.dst, ttl: p.ttl, ifindex: p.ifindex, hex: Buffer.from(p.payload).toString('hex') });
      });
      t.onError((e) => out({ event: 'error', tid, code: e.code, message: e.message }));
      return { localAddress: t.localAddress };
    }
    case 'send': {
      const t = (transports.get(c.tid) ?? closed.get(c.tid))!;
      t.send(Buffer.from(c.hex, 'hex'), c.dest);
      return { stats: t.stats };
    }
    case 'close': {
      const t = transports.get(c.tid);
      t?.close();
      if (t) closed.set(c.tid, t);
      transports.delete(c.tid);
      return {};
    }
    case 'vip': {
      const m = vipManager(c.runDir);
      if (c.action === 'add') await m.add(c.vip!, c.ifname!);
      else if (c.action === 'remove') await m.remove(c.vip!, c.ifname!);
      else if (c.action === 'announce') return { sent: await m.announceBurst(c.vip!, c.ifname!, c.count ?? 1) };
      else await m.cleanupStale();
      return { owned: m.ownedAddresses(), stateFile: m.stateFile };
    }
    case 'arm': {
      const t = transports.get(c.tid)!;
      const p = lastPacket.get(c.tid);
      return { armed: p !== undefined && t.repeats !== undefined && t.repeats.arm(p) };
    }
    case 'take': {
      const t = transports.get(c.tid)!;
      return { taken: t.repeats?.take() ?? null, stats: t.stats };
    }
    case 'watch': {
      watcher = new LinuxInterfaceWatcher({ interfaces: c.interfaces, onError: (e) => out({ event: 'error', message: e.message }) });
      watcher.onChange((s) => out({ event: 'link', ...s }));
      await watcher.start();
      return {};
    }
  }
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const c = JSON.parse(line) as Cmd;
    handle(c).then(
      (r) => out({ id: c.id, ok: true, ...(r as object) }),
      (e: Error & { code?: string }) => out({ id: c.id, ok: false, code: e.code, message: e.message }),
    );
  })
  .on('close', () => {
    // stdin closed: the test is done with us.
    for (const t of transports.values()) t.close();
    watcher?.stop();
    pool.closeAll();
  });
out({ event: 'ready' });
