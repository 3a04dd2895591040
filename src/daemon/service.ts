// The shape every part of the daemon shares, so the composition root has one start path (boot
// and a reload that brings a service's first entry go through the same loop) and one stop path.
import type { HalbConfig } from '../config/model.js';

/**
 * One service built from the model: the load balancer, the stats pages, VRRP. A service is
 * constructed with the config it starts with; `reload` never restarts what did not change.
 */
export interface Service {
  start(): Promise<void>;
  /** Applies a validated config; throws when nothing was changed (the running config keeps serving). */
  reload(next: HalbConfig): Promise<void>;
  stop(): Promise<void>;
}

/** A row of the daemon's service table: when the config wants it, and how to build it. */
export interface ServiceSlot<S extends Service = Service> {
  /** Whether `config` needs this service (a node without frontends runs no load balancer). */
  wanted(config: HalbConfig): boolean;
  create(config: HalbConfig): S;
}
