// Runs one active check for a server and feeds its result to the rise/fall core.
// Results that arrive after stop(), after an abort, or for an address that has since
// changed are dropped: they describe a server that no longer exists.
import { EVENT } from '../log/events.js';
import type { CheckResult } from './check-status.js';
import type { Checker, CheckTarget } from './checkers.js';
import { applyCheckResult } from './rise-fall.js';
import type { MonitorContext } from './monitor-context.js';
import type { ServerRec } from './server-record.js';

function targetOf(r: ServerRec, address: string): CheckTarget {
  return {
    host: address,
    port: r.server.checkPort ?? r.server.port,
    ssl: r.server.checkSsl,
    rejectUnauthorized: r.server.verify === 'required',
    ...(r.server.hostname !== undefined ? { servername: r.server.hostname } : {}),
  };
}

export function startCheck(ctx: MonitorContext, checker: Checker, r: ServerRec): void {
  const { clock } = ctx;
  const address = r.address;
  if (address === undefined) return;
  const ac = new AbortController();
  r.inflight = ac;
  const startedAt = clock.now();
  r.counters.checks++;
  ctx.track(
    checker(r.spec, targetOf(r, address), { timing: r.timing, signal: ac.signal, now: () => clock.now() }).then((res) => {
      if (r.inflight === ac) r.inflight = undefined;
      if (ctx.stopped() || ac.signal.aborted || res.status === 'ABORTED') {
        ctx.arm();
        return;
      }
      r.lastCheck = res;
      if (!res.ok) r.counters.checkFailures++;
      // A check against an address that has since changed is stale.
      if (r.address !== address) {
        ctx.arm();
        return;
      }
      const prevHealth = r.state.health;
      ctx.apply(r, applyCheckResult(r.cfg, r.state, res, startedAt, clock.now()));
      if (r.state.health !== prevHealth) logCheck(ctx, r, res);
      ctx.arm();
    }),
  );
}

/** HAProxy `option log-health-checks` wording, at debug level: every check that moved health. */
function logCheck(ctx: MonitorContext, r: ServerRec, res: CheckResult): void {
  const { log } = ctx;
  if (!log.isLevelEnabled('debug')) return;
  const { rise, fall } = r.cfg;
  const h = r.state.health;
  const status = h >= rise ? `${h - rise + 1}/${fall} UP` : `${h}/${rise} DOWN`;
  let msg = `Health check for server ${r.backend.name}/${r.server.name} ${res.ok ? 'succeeded' : 'failed'}, reason: ${res.reason}`;
  if (res.code !== undefined) msg += `, code: ${res.code}`;
  if (res.detail !== undefined) msg += `, info: "${res.detail}"`;
  msg += `, check duration: ${res.durationMs}ms, status: ${status}.`;
  log.debug({ event: EVENT.health_check, backend: r.backend.name, server: r.server.name, ok: res.ok, reason: res.reason, health: h }, msg);
}
