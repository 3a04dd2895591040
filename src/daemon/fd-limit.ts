// Adapter for the descriptor budget (fd-budget.ts): reads RLIMIT_NOFILE (the addon, else
// /proc/self/limits), raises the soft limit when the budget asks (addon only; HAProxy does
// the same), and logs the decision. Returns the effective global maxconn for the proxy.
import { EVENT } from '../log/events.js';
import { readFileSync } from 'node:fs';
import type { HalbConfig } from '../config/model.js';
import type { Logger } from '../log/logger.js';
import { loadNative } from '../native/addon.js';
import { fdBudget, fdNeeds, type FdBudget, type FdLimits } from './fd-budget.js';

const unlimited = (n: number): number => (n < 0 ? Infinity : n);

function readLimits(): { limits: FdLimits; set?: (soft: number) => void } | undefined {
  try {
    const n = loadNative();
    if (n.getNofile && n.setNofile) {
      const [soft, hard] = n.getNofile();
      return { limits: { soft: unlimited(soft), hard: unlimited(hard) }, set: (s) => n.setNofile!(s) };
    }
  } catch {
    /* no addon: /proc below */
  }
  try {
    const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m) return undefined;
    const num = (s: string): number => (s === 'unlimited' ? Infinity : Number(s));
    return { limits: { soft: num(m[1]!), hard: num(m[2]!) } };
  } catch {
    return undefined;
  }
}

/** Decides the effective global maxconn; undefined when the limit cannot be read (nothing enforced but the configured value). */
export function applyFdBudget(cfg: HalbConfig, logger: Logger): FdBudget | undefined {
  const r = readLimits();
  if (!r) {
    if (cfg.global?.maxconn)
      logger.warn({ event: EVENT.fd_budget, reason: 'RLIMIT_NOFILE unreadable' }, 'cannot read the descriptor limit: global maxconn enforced as configured, without a budget check');
    return undefined;
  }
  let b = fdBudget(cfg.global?.maxconn, fdNeeds(cfg), r.limits);
  if (b.raiseSoftTo !== undefined) {
    try {
      if (!r.set) throw new Error('the native addon is not available');
      r.set(b.raiseSoftTo);
    } catch (err) {
      // Could not raise: budget against the soft limit as it is.
      b = fdBudget(cfg.global?.maxconn, fdNeeds(cfg), { soft: r.limits.soft, hard: r.limits.soft });
      logger.warn({ event: EVENT.fd_budget, reason: String(err) }, `cannot raise the descriptor limit: ${String(err)}`);
    }
  }
  const fields = { event: EVENT.fd_budget, maxconn: b.maxconn, reserve: b.reserve, need: b.need, source: b.source, softLimit: r.limits.soft, hardLimit: r.limits.hard };
  if (b.source === 'lowered') logger.warn(fields, b.message);
  else logger.info(fields, b.message);
  return b;
}
