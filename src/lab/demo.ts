// The one-machine lab behind `halb lab`: two LB nodes, three backends, a client requesting the VIP,
// a live view of who holds the VIP and what the client sees, optional chaos, and a full teardown.
// With halb as the node software (the default) the LB nodes run halb's whole job — `halb run` with
// a keepalived.conf (the VIP) and a haproxy.cfg (an HTTP frontend on the VIP's port :80 proxying
// to the three backends, with health checks) — and the client sees which LB node and which backend
// answered. With keepalived, the nodes only hold the VIP and their own responder answers.
import { VrrpLab, CLIENT } from './vrrp-lab.js';
import { requireRoot } from './root.js';
import { softwareAvailability } from './software.js';
import { neighbour } from './observe.js';
import { RESPONDER_PORT } from './services.js';
import { HOST_IF } from './topology.js';
import type { SoftwareKind } from './node-software.js';
import type { Prober } from './prober.js';
import type { Attempt } from './outage.js';
import { LabView, type Probe } from './lab-view.js';
import { renderChaos, renderLine, renderNote, renderSummary } from './lab-view-text.js';
import { ChaosCycle } from './chaos-cycle.js';
import { RELEASE_GRACE_MS } from '../vrrp/runtime.js';

export interface LabDemoOptions {
  readonly software: SoftwareKind;
  /** Stop by itself after this many seconds; undefined = until the signal aborts. */
  readonly durationS?: number;
  readonly advertInt: number;
  readonly version: 2 | 3;
  readonly unicast: boolean;
  /** Every this many seconds the current master's host dies, and comes back the next time. */
  readonly chaosS?: number;
  /** Seconds between live-view lines. */
  readonly viewIntervalS?: number;
  readonly signal: AbortSignal;
  readonly out: (line: string) => void;
}

/** Port of the LB frontend on the VIP when the nodes run halb. */
export const LB_PORT = 80;

const PROBE_INTERVAL_MS = 20;
/** How often the VIP holders are sampled (a hand-over's dual master lasts about halb's 500 ms grace). */
const SAMPLE_MS = 250;

/** Attempt (prober) → probe (view): "bN via ADDR" names the backend and, by its address, the LB node. */
function toProbe(v: VrrpLab, a: Attempt): Probe {
  if (!a.ok) return { s: a.s, e: a.e, ok: false };
  const m = /^(\S+) via (\S+)$/.exec(a.node ?? '');
  return m ? { s: a.s, e: a.e, ok: true, lb: v.hostByAddress(m[2]!) ?? m[2]!, backend: m[1]! } : { s: a.s, e: a.e, ok: true, ...(a.node ? { lb: a.node } : {}) };
}

/** What to do when the lab cannot run here (`skip`: requireRoot's reason). */
export function prerequisiteMessage(skip: string): string {
  const why = /\((.*)\)$/.exec(skip)?.[1] ?? skip;
  if (why === 'not root') return 'halb lab needs root (it creates network namespaces): run it with sudo. Without root, `npx halb demo` runs halb on 127.0.0.1.';
  if (/ENOENT/.test(why)) return 'halb lab needs the `ip` command with `ip netns` (iproute2): install it, e.g. `apt-get install iproute2`, and run again.';
  return `halb lab needs root and a working \`ip netns\` (${why})`;
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((r) => {
    const onAbort = (): void => (clearTimeout(t), r());
    const t = setTimeout(() => (signal.removeEventListener('abort', onAbort), r()), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs the lab until the duration ends or `signal` aborts; returns the exit code. */
export async function runLabDemo(o: LabDemoOptions): Promise<number> {
  const skip = await requireRoot();
  if (skip) {
    o.out(prerequisiteMessage(skip));
    return 1;
  }
  const avail = await softwareAvailability(o.software);
  if (!avail.available) {
    o.out(`halb lab: --software ${o.software} is not available: ${avail.detail}`);
    return 1;
  }
  o.out(`halb lab: building a one-machine lab with ${avail.detail} as the VRRP node software …`);
  const proxy = o.software === 'halb';
  const v = await VrrpLab.create({
    software: o.software,
    version: o.version,
    advertInt: o.advertInt,
    unicast: o.unicast,
    backends: 3,
    ...(proxy ? { loadBalancer: { port: LB_PORT } } : {}),
  });
  const port = proxy ? LB_PORT : RESPONDER_PORT;
  let prober: Prober | undefined;
  try {
    await v.start();
    const l = v.lab;
    o.out('');
    o.out(`lab ${l.id}: switch = bridge br0 in namespace ${l.switchNs}; work dir ${l.workDir}`);
    o.out(`VIP ${v.vip}/24, VRID 51, VRRPv${o.version}, advert ${o.advertInt} s, ${o.unicast ? 'unicast' : 'multicast'}`);
    const rows = [['host', 'role', 'namespace', 'MAC', 'IPv4', 'IPv6']];
    for (const h of l.hosts) {
      const role = v.nodes.includes(h.name) ? `LB ${v.kindOf(h.name)} prio ${v.priorities.get(h.name)}` : h.name === CLIENT ? 'client' : 'backend';
      rows.push([h.name, role, h.ns, h.mac, h.v4, h.v6 ?? '-']);
    }
    const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) o.out('  ' + r.map((x, i) => x.padEnd(w[i]!)).join('  '));
    o.out('');
    if (proxy) {
      o.out(`LB nodes run \`halb run --keepalived … --haproxy …\`: VRRP VIP + HTTP frontend :${LB_PORT} → backends ${v.backends.join(', ')} (:${RESPONDER_PORT}, health checks every 500 ms).`);
      o.out(`backends answer "NAME via LB-ADDRESS"; the client requests http://${v.vip}:${LB_PORT}/ every ${PROBE_INTERVAL_MS} ms, a fresh connection each.`);
    } else {
      o.out(
        `keepalived only holds the VIP (no proxy): every node answers HTTP on :${RESPONDER_PORT} with its own name; the client requests http://${v.vip}:${RESPONDER_PORT}/ every ${PROBE_INTERVAL_MS} ms.`,
      );
    }
    for (const n of v.nodes) {
      const sw = v.node(n);
      o.out(`  ${n}: config ${sw.confPath}${'proxyConfPath' in sw && sw.proxyConfPath ? ` + ${String(sw.proxyConfPath)}` : ''}, log ${sw.logPath}`);
    }
    o.out(`try:  ip netns exec ${l.host(CLIENT).ns} curl -s http://${v.vip}:${port}/`);
    o.out(`      ip netns exec ${l.host('n1').ns} ip addr show ${HOST_IF}`);
    o.out(`stop: Ctrl-C${o.durationS ? ` (or wait ${o.durationS} s)` : ''}`);
    o.out('');
    o.out(`each second: state | VIP holders | the client's ARP entry for the VIP | what the client got that second (${proxy ? 'LB→backend' : 'node'}×count) | LB nodes${proxy ? ' | backends' : ''}`);
    // halb starts every node below priority 255 as backup (RFC 5798 §6.4.1); keepalived's first
    // master in this lab answered as late (about 3 s at advert 1 s).
    o.out(
      `the first seconds are the election: a node takes the VIP once it has heard no master for Master_Down_Interval (${(v.masterDownMs(v.nodes[0]!) / 1000).toFixed(2)} s for ${v.nodes[0]}, priority ${v.priorities.get(v.nodes[0]!)}); requests sent before the first master answers are not failures.`,
    );
    o.out('');

    prober = v.startProber({ port, intervalMs: PROBE_INTERVAL_MS, maxDurationMs: Math.min(o.durationS !== undefined ? o.durationS * 1000 + 5000 : 24 * 3600_000, 24 * 3600_000) });
    // One clock for everything: the prober's. Its echo of a mark gives the offset to ours.
    const origin = await prober.mark('lab-view');
    const offset = performance.now() - origin;
    const now = (): number => performance.now() - offset;
    const viewMs = (o.viewIntervalS ?? 1) * 1000;
    const grace = o.software === 'halb' ? RELEASE_GRACE_MS : 0;
    const view = new LabView({
      software: o.software,
      handoverGraceMs: grace,
      splitBrainAfterMs: 3 * o.advertInt * 1000 + grace + viewMs,
      priorities: Object.fromEntries(v.nodes.map((n) => [n, v.priorities.get(n)!])),
    });
    const chaos = new ChaosCycle(proxy, v.backends);
    const dead = new Set<string>();
    const feed = (): void => {
      for (const a of prober!.drain()) view.probe(toProbe(v, a));
    };
    const endAt = o.durationS !== undefined ? origin + o.durationS * 1000 : Infinity;
    let nextChaos = o.chaosS !== undefined ? origin + o.chaosS * 1000 : Infinity;
    let nextLine = origin + viewMs;
    while (!o.signal.aborted && now() < endAt) {
      await sleepUnlessAborted(Math.max(0, Math.min(SAMPLE_MS, nextLine - now())), o.signal);
      if (o.signal.aborted) break;
      feed();
      const [holders, arp] = await Promise.all([v.holders(), neighbour(l, CLIENT, v.vip)]);
      const nodes = Object.fromEntries(v.nodes.map((n) => [n, dead.has(n) ? 'host-down' : v.node(n).running ? 'up' : 'stopped'] as const));
      const backendsDown = proxy ? v.backends.filter((b) => !v.backendRunning(b)) : [];
      for (const n of view.sample({ t: now(), holders, nodes, backendsDown, ...(arp?.host ? { arp: arp.host } : {}) })) o.out(renderNote(n));
      if (now() >= nextLine) {
        o.out(renderLine(view.status(now(), viewMs), { backends: proxy ? v.backends : [] }));
        nextLine += viewMs * Math.max(1, Math.ceil((now() - nextLine) / viewMs));
      }
      // "The master's host dies" needs a master: while electing (or in an outage) that step waits.
      if (now() >= nextChaos && now() < endAt && (chaos.peek() !== 'host-dies' || view.master !== undefined)) {
        nextChaos = Math.max(nextChaos + o.chaosS! * 1000, now() + 1000);
        const step = chaos.next(view.master ?? v.nodes.find((n) => !dead.has(n)) ?? v.nodes[0]!);
        const t = await prober.mark(`chaos-${chaos.count}`);
        const ev = { t, ...step, ...(step.kind === 'host-dies' ? { wasMaster: step.target === view.master } : {}) };
        view.chaos(ev);
        o.out(renderChaos(ev, o.software));
        switch (step.kind) {
          case 'host-dies':
            dead.add(step.target);
            await v.hostDeath(step.target);
            break;
          case 'host-back':
            await v.hostRevive(step.target);
            dead.delete(step.target);
            break;
          case 'backend-dies':
            await v.stopBackend(step.target);
            break;
          case 'backend-back':
            await v.startBackend(step.target);
            break;
        }
      }
    }
    await prober.stop();
    feed();
    o.out('');
    o.out(o.signal.aborted ? 'stopping (signal) …' : 'duration reached, stopping …');
    o.out('');
    for (const line of renderSummary(view.summary(now()), { software: o.software, intervalMs: PROBE_INTERVAL_MS })) o.out(line);
    o.out('');
    return 0;
  } finally {
    await v.destroy();
    o.out(`lab ${v.lab.id} torn down: namespaces deleted, processes killed.`);
  }
}
