// Environment probes and settings of the load-balancer bench.
import { execFileSync } from 'node:child_process';

export interface Settings {
  /**
   * Turns each contender takes at every throughput measurement; the best is kept. Five short turns
   * rather than three long ones: this machine's speed swings by up to 2× within a minute, and more
   * turns give every contender more chances at a calm one (rounds.ts adds the per-round ratios).
   */
  rounds: number;
  wrkSeconds: number;
  warmupSeconds: number;
  wrkConnections: number;
  bulkBytes: number;
  idleConns: number;
  foRate: number;
  foTotal: number;
  foKillAtMs: number;
  /** RLIMIT_NOFILE of the proxy in the overload flood row; the flood is 2 × 0.6 × this. */
  floodNofile: number;
  /** Slowloris row: attacking connections, one header line per drip per connection, and turns. */
  slowConns: number;
  slowDripMs: number;
  slowRounds: number;
  /** The normal clients beside the attack: keep-alive connections, fixed rate, seconds. */
  probeConns: number;
  probeRate: number;
  probeSeconds: number;
  /** Idle rows: how long after the connections closed RSS is read again. */
  idleSettleMs: number;
  /** Reload row: wrk seconds, and one reload per second from +1 s. */
  reloadSeconds: number;
}

export function settings(quick: boolean, nofileHard: number): Settings {
  // A tcp-mode idle connection costs the proxy two fds (client + server side); we cannot raise our hard
  // RLIMIT_NOFILE without CAP_SYS_RESOURCE, so the count is capped to what both proxies can hold.
  const fdCap = Math.floor((nofileHard - 256) / 2);
  return quick
    ? {
        rounds: 1,
        wrkSeconds: 1,
        warmupSeconds: 0,
        wrkConnections: 20,
        bulkBytes: 64 << 20,
        idleConns: Math.min(500, fdCap),
        foRate: 300,
        foTotal: 600,
        foKillAtMs: 500,
        floodNofile: Math.min(1024, nofileHard),
        slowConns: 300,
        slowDripMs: 1000,
        slowRounds: 1,
        probeConns: 10,
        probeRate: 200,
        probeSeconds: 2,
        reloadSeconds: 3,
        idleSettleMs: 2000,
      }
    : {
        rounds: 5,
        wrkSeconds: 3,
        warmupSeconds: 1,
        wrkConnections: 50,
        bulkBytes: 2 * 2 ** 30,
        idleConns: Math.min(10_000, fdCap),
        foRate: 2000,
        foTotal: 12_000,
        foKillAtMs: 1500,
        floodNofile: nofileHard,
        slowConns: 3000,
        slowDripMs: 1000,
        slowRounds: 3,
        probeConns: 20,
        probeRate: 1000,
        probeSeconds: 8,
        reloadSeconds: 6,
        idleSettleMs: 10_000,
      };
}

export function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Sets this process's CPU affinity (all threads) and returns the previous CPU list, e.g. "0,1". */
export function pinSelf(cpus: number | string): string | undefined {
  try {
    const prev = /: *(\S+)\s*$/.exec(execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' }))?.[1];
    execFileSync('taskset', ['-apc', String(cpus), String(process.pid)], { stdio: 'ignore' });
    return prev;
  } catch {
    return undefined;
  }
}
