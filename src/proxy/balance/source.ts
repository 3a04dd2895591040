// `balance source` (always `hash-type consistent` in halb): a hash ring with virtual nodes.
// Each server gets `weight × VNODES_PER_WEIGHT` points placed by hashing its *name* (not its
// position), so adding or removing one of N servers moves only the clients whose arc it owned —
// about 1/N of them — and a server going down sends only its own clients elsewhere (they walk
// clockwise to the next candidate point). Ties on a point: lower server index first.
import { hash32, mix32 } from './hash.js';
import type { Algorithm, BalancedServer, Candidates, PickOptions } from './types.js';

export const VNODES_PER_WEIGHT = 40;
/** Bound on points per server so weight 256 does not build huge rings. */
const MAX_POINTS_PER_SERVER = 4096;

export interface Ring {
  readonly points: Uint32Array;
  readonly owners: Int32Array;
}

export function buildRing(servers: readonly BalancedServer[]): Ring {
  const entries: { p: number; i: number }[] = [];
  servers.forEach((s, i) => {
    const n = Math.min(MAX_POINTS_PER_SERVER, Math.max(0, Math.round(s.weight)) * VNODES_PER_WEIGHT);
    for (let k = 0; k < n; k++) entries.push({ p: hash32(`${s.name}#${k}`), i });
  });
  entries.sort((a, b) => a.p - b.p || a.i - b.i);
  const points = new Uint32Array(entries.length);
  const owners = new Int32Array(entries.length);
  entries.forEach((e, k) => {
    points[k] = e.p;
    owners[k] = e.i;
  });
  return { points, owners };
}

/** Index of the first ring point >= h (wrapping to 0). */
function lowerBound(points: Uint32Array, h: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]! < h) lo = mid + 1;
    else hi = mid;
  }
  return lo === points.length ? 0 : lo;
}

export function createSource(servers: readonly BalancedServer[]): Algorithm {
  const ring = buildRing(servers);
  return {
    pick(cand: Candidates, _view, opts: PickOptions): number {
      const n = ring.points.length;
      if (n === 0) return cand.list[0]!;
      const h = mix32(opts.hashKey ?? 0);
      const start = lowerBound(ring.points, h);
      for (let k = 0; k < n; k++) {
        const owner = ring.owners[(start + k) % n]!;
        if (cand.has(owner)) return owner;
      }
      return cand.list[0]!;
    },
  };
}
