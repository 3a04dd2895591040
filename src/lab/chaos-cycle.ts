// The order of `halb lab --chaos` steps, pure: the master's host dies, it comes back, a backend's
// service dies, it comes back, then again with the next backend. Without a proxy (keepalived
// nodes only hold the VIP) backends mean nothing, so only the host steps cycle.
import type { ChaosKind } from './lab-view.js';

export interface ChaosStep {
  readonly kind: ChaosKind;
  readonly target: string;
}

const WITH_PROXY: readonly ChaosKind[] = ['host-dies', 'host-back', 'backend-dies', 'backend-back'];
const VIP_ONLY: readonly ChaosKind[] = ['host-dies', 'host-back'];

export class ChaosCycle {
  /** Steps taken so far. */
  count = 0;
  private deadHost: string | undefined;
  private deadBackend: string | undefined;
  private readonly kinds: readonly ChaosKind[];

  constructor(
    proxy: boolean,
    private readonly backends: readonly string[],
  ) {
    this.kinds = proxy && backends.length > 0 ? WITH_PROXY : VIP_ONLY;
  }

  /** The kind of the next step. */
  peek(): ChaosKind {
    return this.kinds[this.count % this.kinds.length]!;
  }

  /** The next step; `master` is the node holding the VIP now (the one a host-dies step kills). */
  next(master: string): ChaosStep {
    const kind = this.peek();
    const round = Math.floor(this.count / this.kinds.length);
    this.count++;
    switch (kind) {
      case 'host-dies':
        this.deadHost = master;
        return { kind, target: master };
      case 'host-back':
        return { kind, target: this.deadHost! };
      case 'backend-dies':
        this.deadBackend = this.backends[round % this.backends.length]!;
        return { kind, target: this.deadBackend };
      case 'backend-back':
        return { kind, target: this.deadBackend! };
      default: {
        const never: never = kind;
        return never;
      }
    }
  }
}
