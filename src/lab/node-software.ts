// The VRRP node software the lab runs on its LB hosts. Pluggable: scenario tests, the failover
// bench and `halb lab` only use this interface, so keepalived and halb nodes are interchangeable
// and can be mixed in one group.
import type { ExitInfo } from './process.js';

export type SoftwareKind = 'keepalived' | 'halb';
export const SOFTWARE_KINDS: readonly SoftwareKind[] = ['keepalived', 'halb'];

export interface VrrpNodeSoftware {
  readonly kind: SoftwareKind;
  readonly host: string;
  /** The keepalived.conf this node runs with. */
  readonly confPath: string;
  readonly logPath: string;
  readonly running: boolean;
  /** Writes the config and starts the daemon in the host's namespace; resolves once it runs. */
  start(): Promise<void>;
  /** Clean stop: SIGTERM, like `systemctl stop` (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<ExitInfo>;
  /** SIGKILL to the daemon's whole process group: nothing gets to say goodbye. */
  kill(): Promise<ExitInfo>;
  /** Pids of the daemon and its children (for CPU accounting). */
  pids(): number[];
}

export interface Availability {
  readonly available: boolean;
  /** Why not, or what was found. */
  readonly detail: string;
}
