// `balance leastconn`: the candidate with the fewest connections relative to its weight
// (HAProxy compares conns/weight). Ties are broken round robin: the search starts just after
// the last server picked, so equal servers take turns instead of the first one taking all.
import type { Algorithm, BalancedServer, Candidates, PickView } from './types.js';

export function createLeastConn(servers: readonly BalancedServer[]): Algorithm {
  let last = -1;
  return {
    pick(cand: Candidates, view: PickView): number {
      const list = cand.list;
      // First candidate after `last` in index order, wrapping.
      let start = 0;
      while (start < list.length && list[start]! <= last) start++;
      if (start === list.length) start = 0;
      let best = -1;
      let bestLoad = Infinity;
      for (let k = 0; k < list.length; k++) {
        const i = list[(start + k) % list.length]!;
        const w = servers[i]!.weight > 0 ? servers[i]!.weight : 1;
        const load = (view.conns(i) + 1) / w;
        if (load < bestLoad) {
          bestLoad = load;
          best = i;
        }
      }
      last = best;
      return best;
    },
  };
}
