// `balance roundrobin`: smooth weighted round robin (nginx's algorithm). Each pick adds every
// candidate's weight to its current weight, takes the largest (ties: lowest index), and subtracts
// the candidates' total from the winner. Weights 5,1,1 give a a b a c a a — spread, not bursty —
// and the state survives servers coming and going (only current candidates take part).
import type { Algorithm, BalancedServer, Candidates } from './types.js';

export function createRoundRobin(servers: readonly BalancedServer[]): Algorithm {
  const current = new Float64Array(servers.length);
  return {
    pick(cand: Candidates): number {
      let total = 0;
      let best = -1;
      for (const i of cand.list) {
        const w = servers[i]!.weight > 0 ? servers[i]!.weight : 1;
        current[i]! += w;
        total += w;
        if (best < 0 || current[i]! > current[best]!) best = i;
      }
      current[best]! -= total;
      return best;
    },
  };
}
