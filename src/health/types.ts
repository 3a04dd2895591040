// Contract between health checking (src/health) and the data plane (src/proxy).
// Health owns each server's operational state; the proxy reads it and reports
// passive failures (refused/reset before any response byte) back.

export type ServerOpState = 'UP' | 'DOWN' | 'MAINT';

/** One transition, as logged: "be/srv is DOWN, reason: Layer7 wrong status, code: 500, check duration: 3ms". */
export interface ServerTransition {
  readonly backend: string;
  readonly server: string;
  readonly from: ServerOpState;
  readonly to: ServerOpState;
  /** HAProxy-style reason: 'Layer4 connection problem', 'Layer7 wrong status', 'Layer6 invalid response', 'Layer4 timeout', 'passive: connection refused', 'DNS: name not resolved', ... */
  readonly reason: string;
  readonly code?: number;
  readonly checkDurationMs?: number;
  /** Monotonic ms at which it happened. */
  readonly at: number;
}

export type PassiveFailure = 'refused' | 'reset' | 'timeout';

/** Read side used by balancers on every pick; must be cheap. */
export interface ServerStateView {
  isUp(backend: string, server: string): boolean;
}

export interface HealthMonitorApi extends ServerStateView {
  start(): void;
  stop(): Promise<void>;
  /** Called by the proxy when a connection to a server failed before any response byte. */
  reportPassive(backend: string, server: string, kind: PassiveFailure): void;
  /** Called by the proxy when a connection/response succeeded (resets passive error counts). */
  reportSuccess(backend: string, server: string): void;
  onTransition(listener: (t: ServerTransition) => void): () => void;
  /** Address changes from DNS re-resolution: the proxy connects to the new address. */
  onAddressChange(listener: (backend: string, server: string, address: string | undefined) => void): () => void;
  /** Current resolved address (undefined = unresolved, server is down). */
  addressOf(backend: string, server: string): string | undefined;
}
