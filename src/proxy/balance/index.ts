// Balancer facade: one per backend (rebuilt when the backend's server list changes).
// Candidate selection (backup rules, exclusions, maxconn) + the configured algorithm.
import type { BalanceAlgo } from '../../config/model.js';
import { createFirst } from './first.js';
import { hash32 } from './hash.js';
import { createLeastConn } from './leastconn.js';
import { createRandom } from './random.js';
import { createRoundRobin } from './roundrobin.js';
import { IndexSet, selectCandidates } from './select.js';
import { createSource } from './source.js';
import { createStaticRr } from './static-rr.js';
import type { Algorithm, BalancedServer, PickView } from './types.js';

export type { BalancedServer, PickView } from './types.js';
export { hash32 } from './hash.js';

export interface BalancerOptions {
  readonly algo: BalanceAlgo;
  readonly allBackups: boolean;
  /** Uniform [0,1) source for `random`; required there so the core stays deterministic in tests. */
  readonly random?: () => number;
}

export interface PickArgs {
  readonly exclude?: ReadonlySet<number> | undefined;
  /** Client address for `source`. */
  readonly clientAddress?: string | undefined;
  /**
   * For `source` only: the hashed server is returned even at its maxconn, so the request can
   * wait for it (HAProxy queues on a deterministically chosen server); other algorithms
   * always skip full servers.
   */
  readonly keepFull?: boolean | undefined;
}

export interface Balancer {
  readonly algo: BalanceAlgo;
  /** Server index, or -1 when no server can take it. */
  pick(view: PickView, args?: PickArgs): number;
}

function makeAlgorithm(algo: BalanceAlgo, servers: readonly BalancedServer[]): Algorithm {
  switch (algo) {
    case 'roundrobin':
      return createRoundRobin(servers);
    case 'static-rr':
      return createStaticRr(servers);
    case 'leastconn':
      return createLeastConn(servers);
    case 'source':
      return createSource(servers);
    case 'first':
      return createFirst();
    case 'random':
      return createRandom(servers);
    default: {
      const never: never = algo;
      throw new Error(`unknown balance algorithm ${String(never)}`);
    }
  }
}

export function createBalancer(servers: readonly BalancedServer[], opts: BalancerOptions): Balancer {
  const alg = makeAlgorithm(opts.algo, servers);
  const ignoreWeight = opts.algo === 'first';
  const scratch = new IndexSet(servers.length);
  return {
    algo: opts.algo,
    pick(view: PickView, args: PickArgs = {}): number {
      const keepFull = args.keepFull === true && opts.algo === 'source';
      const cand = selectCandidates(servers, view, { allBackups: opts.allBackups, exclude: args.exclude, ignoreWeight, keepFull }, scratch);
      if (!cand) return -1;
      if (cand.list.length === 1) {
        // Keep algorithm state moving consistently only where it matters (smooth WRR would
        // otherwise accumulate); a single candidate is the answer either way.
        return cand.list[0]!;
      }
      return alg.pick(cand, view, {
        exclude: args.exclude,
        hashKey: opts.algo === 'source' && args.clientAddress !== undefined ? hash32(args.clientAddress) : 0,
        random: opts.random,
      });
    },
  };
}
