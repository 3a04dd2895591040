// `balance static-rr`: a fixed, precomputed weighted schedule walked by a cursor (HAProxy's
// map-based round robin). Unlike `roundrobin` it keeps no per-server dynamic state: an
// unavailable server's turn is simply skipped and goes to the next entry of the map.
import type { Algorithm, BalancedServer, Candidates } from './types.js';

/** The smooth-WRR order over all servers, one cycle of sum(weights) entries. */
export function buildSchedule(servers: readonly BalancedServer[]): number[] {
  const cur = new Array<number>(servers.length).fill(0);
  let total = 0;
  for (const s of servers) total += Math.max(0, s.weight);
  const out: number[] = [];
  for (let n = 0; n < total; n++) {
    let best = -1;
    for (let i = 0; i < servers.length; i++) {
      const w = Math.max(0, servers[i]!.weight);
      if (w === 0) continue;
      cur[i]! += w;
      if (best < 0 || cur[i]! > cur[best]!) best = i;
    }
    cur[best]! -= total;
    out.push(best);
  }
  return out;
}

export function createStaticRr(servers: readonly BalancedServer[]): Algorithm {
  const schedule = buildSchedule(servers);
  let pos = 0;
  return {
    pick(cand: Candidates): number {
      for (let n = 0; n < schedule.length; n++) {
        const i = schedule[pos]!;
        pos = (pos + 1) % schedule.length;
        if (cand.has(i)) return i;
      }
      // Candidates exist but none is in the map (e.g. only weight-0 servers): fall back to order.
      return cand.list[0]!;
    },
  };
}
