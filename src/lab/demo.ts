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

/** Chaos steps, in turn, every `chaosS` seconds. */
const CHAOS_STEPS = ['master-dies', 'master-back', 'backend-dies', 'backend-back'] as const;

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
    if (proxy) {
      o.out(`LB nodes run \`halb run --keepalived … --haproxy …\`: VRRP VIP + HTTP frontend :${LB_PORT} → backends ${v.backends.join(', ')} (:${RESPONDER_PORT}, health checks every 500 ms).`);
      o.out(`backends answer "NAME via LB-ADDRESS"; the client requests http://${v.vip}:${LB_PORT}/ every 20 ms, a fresh connection each.`);
    } else {
      o.out(`keepalived only holds the VIP (no proxy): every node answers HTTP on :${RESPONDER_PORT} with its own name; the client requests http://${v.vip}:${RESPONDER_PORT}/ every 20 ms.`);
    }
    for (const n of v.nodes) {
      const sw = v.node(n);
      o.out(`  ${n}: config ${sw.confPath}${'proxyConfPath' in sw && sw.proxyConfPath ? ` + ${String(sw.proxyConfPath)}` : ''}, log ${sw.logPath}`);
    }
    o.out(`try:  ip netns exec ${l.host(CLIENT).ns} curl -s http://${v.vip}:${port}/`);
    o.out(`      ip netns exec ${l.host('n1').ns} ip addr show ${HOST_IF}`);
    o.out(`stop: Ctrl-C${o.durationS ? ` (or wait ${o.durationS} s)` : ''}`);
    o.out('');

    const started = performance.now();
    const endAt = o.durationS !== undefined ? started + o.durationS * 1000 : Infinity;
    prober = v.startProber({ port, intervalMs: 20, maxDurationMs: Math.min(o.durationS !== undefined ? o.durationS * 1000 + 5000 : 24 * 3600_000, 24 * 3600_000) });
    const view = (o.viewIntervalS ?? 1) * 1000;
    let nextChaos = o.chaosS !== undefined ? started + o.chaosS * 1000 : Infinity;
    let dead: string | undefined;
    let deadBackend: string | undefined;
    let chaosStep = 0;
    const label = (answer: string): string => {
      const m = /^(\S+) via (\S+)$/.exec(answer);
      return m ? `${v.hostByAddress(m[2]!) ?? m[2]}→${m[1]}` : answer;
    };
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
      const seenText = Object.entries(seen).map(([k, n]) => `${label(k)}×${n}`).join(' ') || 'nothing yet';
      const running = v.nodes.map((n) => `${n}:${v.node(n).running ? 'up' : 'down'}`).join(' ');
      const backends = proxy ? ` | backends ${v.backends.map((b) => `${b}:${v.backendRunning(b) ? 'up' : 'down'}`).join(' ')}` : '';
      o.out(`[${t}s] VIP on: ${holders.join(',') || 'nobody'} | client ARP → ${arp?.host ?? arp?.mac ?? 'none'}${arp ? ` (${arp.state})` : ''} | client got (last ${view / 1000} s): ${seenText} | LB ${running}${backends}`);
      if (performance.now() >= nextChaos && performance.now() < endAt) {
        nextChaos += o.chaosS! * 1000;
        let step = CHAOS_STEPS[chaosStep++ % CHAOS_STEPS.length]!;
        // Backend chaos only means something when the LB nodes proxy.
        if (!proxy && step === 'backend-dies') step = CHAOS_STEPS[chaosStep++ % CHAOS_STEPS.length]!;
        if (!proxy && step === 'backend-back') step = CHAOS_STEPS[chaosStep++ % CHAOS_STEPS.length]!;
        switch (step) {
          case 'master-dies': {
            const master = holders.find((h) => v.node(h).running) ?? 'n1';
            o.out(`  chaos: ${master}'s host dies (link down, ${v.kindOf(master)} SIGKILLed)`);
            await v.hostDeath(master);
            dead = master;
            break;
          }
          case 'master-back':
            if (dead) {
              o.out(`  chaos: ${dead} comes back (addresses reset, link up, ${v.kindOf(dead)} started)`);
              await v.hostRevive(dead);
              dead = undefined;
            }
            break;
          case 'backend-dies':
            deadBackend = v.backends[(chaosStep >> 2) % v.backends.length]!;
            o.out(`  chaos: backend ${deadBackend}'s service dies (health checks take it out)`);
            await v.stopBackend(deadBackend);
            break;
          case 'backend-back':
            if (deadBackend) {
              o.out(`  chaos: backend ${deadBackend} is back (health checks put it in again)`);
              await v.startBackend(deadBackend);
              deadBackend = undefined;
            }
            break;
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
