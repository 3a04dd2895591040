// The small table of hooks every balancing algorithm implements (HAProxy keeps one
// file per algorithm behind `struct lbprm`; halb does the same). Pure: no node:*,
// no clock, no randomness of its own (random numbers are injected).

/** What a balancer knows about one server; index = position in the backend = HAProxy id order. */
export interface BalancedServer {
  readonly name: string;
  readonly weight: number;
  readonly backup: boolean;
  readonly maxconn?: number | undefined;
}

/** Live per-server facts, read at pick time. */
export interface PickView {
  /** Up per health and not disabled/maintenance. */
  isUp(index: number): boolean;
  /** Current connections (tcp) or in-flight requests (http) on that server. */
  conns(index: number): number;
}

export interface PickOptions {
  /** Servers already tried for this request/session (redispatch never picks them again if another exists). */
  readonly exclude?: ReadonlySet<number> | undefined;
  /** 32-bit key for hashing algorithms (`source`: hash of the client address). */
  readonly hashKey?: number | undefined;
  /** Uniform random in [0,1), injected so `random` stays deterministic in tests. */
  readonly random?: (() => number) | undefined;
}

/**
 * The set a pick chooses from: never empty. `has` is O(1); `list` is in index order.
 */
export interface Candidates {
  readonly list: readonly number[];
  has(index: number): boolean;
}

export interface Algorithm {
  /** Chooses one of `cand` (non-empty). Returns a server index. May update internal state. */
  pick(cand: Candidates, view: PickView, opts: PickOptions): number;
}
