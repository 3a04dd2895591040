// The proxy holds one HealthMonitorApi for its lifetime; a reload builds a new monitor.
// This delegate lets the daemon swap monitors under a running proxy without rebinding.
import type { HealthMonitorApi, PassiveFailure, ServerTransition } from '../health/types.js';

export class SwitchableHealth implements HealthMonitorApi {
  private transitionListeners = new Set<(t: ServerTransition) => void>();
  private addressListeners = new Set<(b: string, s: string, a: string | undefined) => void>();
  private unsubscribe: (() => void)[] = [];

  constructor(private current: HealthMonitorApi) {
    this.subscribe();
  }

  private subscribe(): void {
    this.unsubscribe = [this.current.onTransition((t) => this.transitionListeners.forEach((l) => l(t))), this.current.onAddressChange((b, s, a) => this.addressListeners.forEach((l) => l(b, s, a)))];
  }

  /** Point at a new monitor; returns the old one so the caller can stop it. */
  swap(next: HealthMonitorApi): HealthMonitorApi {
    const old = this.current;
    this.unsubscribe.forEach((u) => u());
    this.current = next;
    this.subscribe();
    return old;
  }

  get target(): HealthMonitorApi {
    return this.current;
  }

  isUp(backend: string, server: string): boolean {
    return this.current.isUp(backend, server);
  }
  start(): void {
    this.current.start();
  }
  stop(): Promise<void> {
    return this.current.stop();
  }
  reportPassive(backend: string, server: string, kind: PassiveFailure): void {
    this.current.reportPassive(backend, server, kind);
  }
  reportSuccess(backend: string, server: string): void {
    this.current.reportSuccess(backend, server);
  }
  onTransition(listener: (t: ServerTransition) => void): () => void {
    this.transitionListeners.add(listener);
    return () => this.transitionListeners.delete(listener);
  }
  onAddressChange(listener: (backend: string, server: string, address: string | undefined) => void): () => void {
    this.addressListeners.add(listener);
    return () => this.addressListeners.delete(listener);
  }
  addressOf(backend: string, server: string): string | undefined {
    return this.current.addressOf(backend, server);
  }
}
