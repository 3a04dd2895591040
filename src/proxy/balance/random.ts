// `balance random`: power of two choices (HAProxy `random(2)`, the default draw count). Two
// servers are drawn at random in proportion to their weights and the one with fewer current
// connections (relative to weight) wins; ties go to the first draw. This keeps random's
// statelessness while avoiding its worst-case pile-ups.
import type { Algorithm, BalancedServer, Candidates, PickOptions, PickView } from './types.js';

export function createRandom(servers: readonly BalancedServer[], draws = 2): Algorithm {
  const weightOf = (i: number): number => (servers[i]!.weight > 0 ? servers[i]!.weight : 1);
  function draw(cand: Candidates, rnd: () => number): number {
    let total = 0;
    for (const i of cand.list) total += weightOf(i);
    let r = rnd() * total;
    for (const i of cand.list) {
      r -= weightOf(i);
      if (r < 0) return i;
    }
    return cand.list[cand.list.length - 1]!;
  }
  return {
    pick(cand: Candidates, view: PickView, opts: PickOptions): number {
      const rnd = opts.random ?? Math.random;
      let best = draw(cand, rnd);
      for (let d = 1; d < draws && cand.list.length > 1; d++) {
        const other = draw(cand, rnd);
        if (view.conns(other) / weightOf(other) < view.conns(best) / weightOf(best)) best = other;
      }
      return best;
    },
  };
}
