// A settable, in-memory HealthMonitorApi: the state source for servers without `check`
// and the fake used by data-plane tests. Passive reports are recorded and, when
// `passiveFall` is set, mark a server DOWN after that many consecutive passive failures
// (the same contract the real monitor follows), so proxy tests can observe it.
import type { HealthMonitorApi, PassiveFailure, ServerOpState, ServerTransition } from './types.js';

export interface StaticHealthOptions {
  /** Consecutive passive failures that mark a server DOWN; 0 (default) = never. */
  readonly passiveFall?: number;
  /** Monotonic time source for transition records. */
  readonly now?: () => number;
}

export interface PassiveReport {
  readonly backend: string;
  readonly server: string;
  readonly kind: PassiveFailure;
}

const key = (b: string, s: string): string => `${b}/${s}`;

export class StaticHealthState implements HealthMonitorApi {
  /** backend -> server -> state; nested maps so the per-pick isUp() builds no key strings. */
  private readonly states = new Map<string, Map<string, ServerOpState>>();
  private readonly failures = new Map<string, number>();
  private readonly addresses = new Map<string, string | undefined>();
  private readonly transitionListeners = new Set<(t: ServerTransition) => void>();
  private readonly addressListeners = new Set<(b: string, s: string, a: string | undefined) => void>();
  readonly passiveReports: PassiveReport[] = [];
  successReports = 0;

  constructor(private readonly opts: StaticHealthOptions = {}) {}

  start(): void {}
  async stop(): Promise<void> {}

  /** Unknown servers are UP: a server without checks is always considered available. */
  isUp(backend: string, server: string): boolean {
    return (this.states.get(backend)?.get(server) ?? 'UP') === 'UP';
  }

  state(backend: string, server: string): ServerOpState {
    return this.states.get(backend)?.get(server) ?? 'UP';
  }

  set(backend: string, server: string, to: ServerOpState, reason = 'set by operator'): void {
    const from = this.state(backend, server);
    let m = this.states.get(backend);
    if (!m) this.states.set(backend, (m = new Map()));
    m.set(server, to);
    if (to === 'UP') this.failures.delete(key(backend, server));
    if (from !== to) {
      const t: ServerTransition = { backend, server, from, to, reason, at: this.opts.now?.() ?? 0 };
      for (const l of this.transitionListeners) l(t);
    }
  }

  reportPassive(backend: string, server: string, kind: PassiveFailure): void {
    this.passiveReports.push({ backend, server, kind });
    const k = key(backend, server);
    const n = (this.failures.get(k) ?? 0) + 1;
    this.failures.set(k, n);
    const fall = this.opts.passiveFall ?? 0;
    if (fall > 0 && n >= fall && this.state(backend, server) === 'UP') {
      this.set(backend, server, 'DOWN', `passive: connection ${kind === 'refused' ? 'refused' : kind}`);
    }
  }

  reportSuccess(backend: string, server: string): void {
    this.successReports++;
    this.failures.delete(key(backend, server));
  }

  onTransition(listener: (t: ServerTransition) => void): () => void {
    this.transitionListeners.add(listener);
    return () => this.transitionListeners.delete(listener);
  }

  onAddressChange(listener: (backend: string, server: string, address: string | undefined) => void): () => void {
    this.addressListeners.add(listener);
    return () => this.addressListeners.delete(listener);
  }

  /** undefined unless overridden: the proxy then uses the configured address. */
  addressOf(backend: string, server: string): string | undefined {
    return this.addresses.get(key(backend, server));
  }

  setAddress(backend: string, server: string, address: string | undefined): void {
    this.addresses.set(key(backend, server), address);
    for (const l of this.addressListeners) l(backend, server, address);
  }
}
