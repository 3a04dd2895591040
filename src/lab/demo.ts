// The one-machine lab behind `halb lab`: two LB nodes running the VRRP node software, three
// backends, a client requesting the VIP, a live view of who holds the VIP and what the client
// sees, optional chaos (the master's host dies, then comes back), and a full teardown at the end.
import { VrrpLab, CLIENT } from './vrrp-lab.js';
import { requireRoot } from './root.js';
import { softwareAvailability } from './software.js';
import { neighbour } from './observe.js';
import { RESPONDER_PORT } from './services.js';
import { HOST_IF } from './topology.js';
import type { SoftwareKind } from './node-software.js';
import type { Prober } from './prober.js';

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

/** Runs the lab until the duration ends or `signal` aborts; returns the exit code. */
export async function runLabDemo(o: LabDemoOptions): Promise<number> {
  const skip = await requireRoot();
  if (skip) {
    o.out(`halb lab needs root and a working \`ip netns\`${/\((.*)\)$/.exec(skip)?.[0] ? ` ${/\((.*)\)$/.exec(skip)![0]}` : ''}`);
    return 1;
  }
  const avail = await softwareAvailability(o.software);
  if (!avail.available) {
    o.out(`halb lab: --software ${o.software} is not available: ${avail.detail}`);
    return 1;
  }
  o.out(`halb lab: building a one-machine lab with ${avail.detail} as the VRRP node software …`);
  const v = await VrrpLab.create({ software: o.software, version: o.version, advertInt: o.advertInt, unicast: o.unicast, backends: 3 });
  let prober: Prober | undefined;
  try {
    await v.start();
    const l = v.lab;
    o.out('');
    o.out(`lab ${l.id}: switch = bridge br0 in namespace ${l.switchNs}; work dir ${l.workDir}`);
    o.out(`VIP ${v.vip}/24, VRID 51, VRRPv${o.version}, advert ${o.advertInt} s, ${o.unicast ? 'unicast' : 'multicast'}`);
    const rows = [['host', 'role', 'namespace', 'MAC', 'IPv4', 'IPv6']];
    for (const h of l.hosts) {
      const role = v.nodes.includes(h.name)
        ? `LB ${v.kindOf(h.name)} prio ${v.priorities.get(h.name)}`
        : h.name === CLIENT
          ? 'client'
          : 'backend';
      rows.push([h.name, role, h.ns, h.mac, h.v4, h.v6 ?? '-']);
    }
    const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) o.out('  ' + r.map((x, i) => x.padEnd(w[i]!)).join('  '));
    o.out('');
    o.out(`every node and backend answers HTTP on :${RESPONDER_PORT} with its own name; the client requests http://${v.vip}:${RESPONDER_PORT}/ every 20 ms.`);
    for (const n of v.nodes) o.out(`  ${n}: config ${v.node(n).confPath}, log ${v.node(n).logPath}`);
    o.out(`try:  ip netns exec ${l.host(CLIENT).ns} curl -s http://${v.vip}:${RESPONDER_PORT}/`);
    o.out(`      ip netns exec ${l.host('n1').ns} ip addr show ${HOST_IF}`);
    o.out(`stop: Ctrl-C${o.durationS ? ` (or wait ${o.durationS} s)` : ''}`);
    o.out('');

    const started = performance.now();
    const endAt = o.durationS !== undefined ? started + o.durationS * 1000 : Infinity;
    prober = v.startProber({ intervalMs: 20, maxDurationMs: Math.min(o.durationS !== undefined ? o.durationS * 1000 + 5000 : 24 * 3600_000, 24 * 3600_000) });
    const view = (o.viewIntervalS ?? 1) * 1000;
    let nextChaos = o.chaosS !== undefined ? started + o.chaosS * 1000 : Infinity;
    let dead: string | undefined;
    while (!o.signal.aborted && performance.now() < endAt) {
      await new Promise<void>((r) => {
        const onAbort = (): void => (clearTimeout(t), r());
        const t = setTimeout(() => (o.signal.removeEventListener('abort', onAbort), r()), view);
        o.signal.addEventListener('abort', onAbort, { once: true });
      });
      if (o.signal.aborted) break;
      const holders = await v.holders();
      const arp = await neighbour(l, CLIENT, v.vip);
      const seen = prober.recentSummary(view);
      prober.prune(10_000);
      const t = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
      const seenText = Object.entries(seen).map(([k, n]) => `${k}×${n}`).join(' ') || 'nothing yet';
      const running = v.nodes.map((n) => `${n}:${v.node(n).running ? 'up' : 'down'}`).join(' ');
      o.out(`[${t}s] VIP on: ${holders.join(',') || 'nobody'} | client ARP → ${arp?.host ?? arp?.mac ?? 'none'}${arp ? ` (${arp.state})` : ''} | client got (last ${view / 1000} s): ${seenText} | ${running}`);
      if (performance.now() >= nextChaos && performance.now() < endAt) {
        nextChaos += o.chaosS! * 1000;
        if (dead) {
          o.out(`  chaos: ${dead} comes back (addresses reset, link up, ${v.kindOf(dead)} started)`);
          await v.hostRevive(dead);
          dead = undefined;
        } else {
          const master = holders.find((h) => v.node(h).running) ?? 'n1';
          o.out(`  chaos: ${master}'s host dies (link down, ${v.kindOf(master)} SIGKILLed)`);
          await v.hostDeath(master);
          dead = master;
        }
      }
    }
    await prober.stop();
    o.out('');
    o.out(o.signal.aborted ? 'stopping (signal) …' : 'duration reached, stopping …');
    return 0;
  } finally {
    await v.destroy();
    o.out(`lab ${v.lab.id} torn down: namespaces deleted, processes killed.`);
  }
}
