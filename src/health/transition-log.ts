// Publishes a server's state transition: counters, bounded history, the HAProxy-style
// log line with the servers left in its backend, and the transition listeners.
import { EVENT } from '../log/events.js';
import type { Logger } from '../log/logger.js';
import type { Transition } from './rise-fall.js';
import type { ServerRec } from './server-record.js';
import type { ServerTransition } from './types.js';

export class TransitionLog {
  private readonly listeners = new Set<(t: ServerTransition) => void>();

  constructor(
    private readonly log: Logger,
    /** The records of one backend, to count the servers left. */
    private readonly peersOf: (backend: string) => Iterable<ServerRec>,
  ) {}

  listen(listener: (t: ServerTransition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(r: ServerRec, t: Transition): void {
    const { log } = this;
    const be = r.backend.name;
    const sv = r.server.name;
    const st: ServerTransition = {
      backend: be,
      server: sv,
      from: t.from,
      to: t.to,
      reason: t.reason,
      at: t.at,
      ...(t.code !== undefined ? { code: t.code } : {}),
      ...(t.checkDurationMs !== undefined ? { checkDurationMs: t.checkDurationMs } : {}),
    };
    r.counters.transitions++;
    r.lastChangeAt = t.at;
    r.history.push(st);
    const left = this.countUp(be);
    // HAProxy: "Server be/srv is DOWN, reason: Layer7 wrong status, code: 500, check
    // duration: 3ms. 1 active and 0 backup servers left."
    let msg = `${be}/${sv} is ${t.to}, reason: ${t.reason}`;
    if (t.code !== undefined) msg += `, code: ${t.code}`;
    if (t.checkDurationMs !== undefined) msg += `, check duration: ${t.checkDurationMs}ms`;
    msg += `. ${left.active} active and ${left.backup} backup servers ${t.to === 'UP' ? 'online' : 'left'}.`;
    const fields = {
      event: EVENT.server_state,
      backend: be,
      server: sv,
      from: t.from,
      to: t.to,
      reason: t.reason,
      ...(t.code !== undefined ? { code: t.code } : {}),
      ...(t.checkDurationMs !== undefined ? { checkDurationMs: t.checkDurationMs } : {}),
      ...(t.detail !== undefined ? { detail: t.detail } : {}),
      activeUp: left.active,
      backupUp: left.backup,
    };
    if (t.to === 'UP') log.info(fields, msg);
    else log.warn(fields, msg);
    if (t.to !== 'UP' && left.active === 0 && left.backup === 0) {
      log.error({ event: EVENT.backend_down, backend: be }, `backend ${be} has no server available!`);
    }
    for (const l of this.listeners) {
      try {
        l(st);
      } catch (err) {
        log.error({ event: EVENT.health_listener_error, err }, 'transition listener threw');
      }
    }
  }

  private countUp(backend: string): { active: number; backup: number } {
    let active = 0;
    let backup = 0;
    for (const r of this.peersOf(backend)) {
      if (r.state.op !== 'UP') continue;
      if (r.server.backup) backup++;
      else active++;
    }
    return { active, backup };
  }
}
