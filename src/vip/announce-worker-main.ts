// Worker-thread side of AnnounceWorker (announce-worker.ts): sends gratuitous ARP / unsolicited NA
// through the native addon off the main thread. Requests that queued up while a send was running
// are coalesced per address (counts added, capped), so a burst for many VIPs costs one packet
// socket per address instead of one per packet.
import { parentPort } from 'node:worker_threads';
import { loadNative } from '../native/addon.js';
import type { AnnounceRequest, AnnounceReply, AnnounceResult } from './announce-worker.js';

const MAX_COUNT = 100; // the addon's bound per call
const port = parentPort;
if (!port) throw new Error('announce-worker-main.js must run in a worker thread');
const native = loadNative();
const pending: AnnounceRequest[] = [];
let scheduled = false;

port.on('message', (req: AnnounceRequest) => {
  pending.push(req);
  if (!scheduled) {
    scheduled = true;
    // setImmediate runs after the poll phase has delivered every message that arrived meanwhile.
    setImmediate(drain);
  }
});

function drain(): void {
  scheduled = false;
  const batch = pending.splice(0);
  const groups = new Map<string, AnnounceRequest[]>();
  for (const r of batch) {
    const k = `${r.family}|${r.ifname}|${r.address}|${r.router ? 1 : 0}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  for (const reqs of groups.values()) {
    const first = reqs[0]!;
    const count = Math.min(
      MAX_COUNT,
      reqs.reduce((n, r) => n + r.count, 0),
    );
    let reply: AnnounceResult;
    try {
      const sent = first.family === 4 ? native.sendGratuitousArp(first.ifname, first.address, count) : native.sendUnsolicitedNa(first.ifname, first.address, count, first.router);
      reply = { ok: true, sent };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      reply = { ok: false, message: e.message, ...(e.code ? { code: e.code } : {}) };
    }
    for (const r of reqs) port!.postMessage({ id: r.id, ...reply } as AnnounceReply);
  }
}
