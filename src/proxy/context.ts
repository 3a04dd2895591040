// What a session needs from the proxy: looked up at session start so a reload (update())
// applies to new sessions while running ones finish on the runtime they started with.
import type { Frontend } from '../config/model.js';
import type { HealthMonitorApi } from '../health/types.js';
import type { Logger } from '../log/logger.js';
import type { Clock } from '../util/clock.js';
import type { BackendRuntime } from './backend-runtime.js';
import type { AddressMatcher } from './cidr.js';
import type { Counters } from './counters.js';
import type { HeadLimits } from './http/head-parser.js';
import type { RelayApi } from './native-relay.js';

export interface FrontendRuntime {
  cfg: Frontend;
  readonly counters: Counters;
  /** Compiled `option forwardfor except` of the frontend. */
  xffExcept?: AddressMatcher | undefined;
}

export interface LiveSession {
  abort(): void;
  /** Called every SWEEP_MS with the clock's now: the session enforces its inactivity timeouts. */
  sweep?(now: number): void;
}

/**
 * Period of the proxy's inactivity sweep. One interval per proxy instead of a Node timer per
 * socket (a socket timeout is a Timeout + a bound function + a timer-list entry, and is
 * refreshed on every read and write): inactivity timeouts fire up to this much late.
 */
export const SWEEP_MS = 50;

export interface SessionContext {
  readonly health: HealthMonitorApi;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly limits: HeadLimits;
  backend(name: string | undefined): BackendRuntime | undefined;
  /** Live sessions, so stop() can end them and the idle sweep can visit them. */
  readonly live: Set<LiveSession>;
  /** Compiled `except` matchers per backend name (backend-level forwardfor). */
  backendXffExcept(be: BackendRuntime): AddressMatcher | undefined;
  /** The native tcp relay, when available and enabled. */
  readonly relay?: RelayApi | undefined;
  /** tcp sessions handed to the relay: running now, and since start. */
  readonly relayed: { current: number; total: number };
  /** A client connection's session ended (after its frontend's sessCur went down): maxconn gates. */
  sessionEnded(fe: FrontendRuntime): void;
}

export interface AccessLogRecord {
  event: 'access';
  mode: 'tcp' | 'http';
  frontend: string;
  backend: string;
  server: string;
  client: string;
  connectMs: number;
  responseMs: number;
  totalMs: number;
  bytesIn: number;
  bytesOut: number;
  status?: number;
  method?: string;
  uri?: string;
  termination: string;
  retries: number;
  redispatches: number;
  reason?: string;
}

/** -1 means "did not happen" (HAProxy logs -1 for timers that never ran). */
export function ms(from: number, to: number): number {
  return to < 0 || from < 0 ? -1 : Math.round((to - from) * 1000) / 1000;
}
