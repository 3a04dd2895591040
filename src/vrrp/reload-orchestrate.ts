// The VRRP side of a SIGHUP, around the runtime's own reload (runtime-reload.ts): open the
// sockets new and restarted instances need (they may fail: no such interface, no address to
// send from), decide what can be applied, and afterwards which sockets to close and which
// configuration now runs. The daemon (daemon/vrrp-service.ts) only wires these to the Linux
// edges, the tracker and the notify runner.
import { EVENT } from '../log/events.js';
import type { Logger } from '../log/logger.js';
import type { VrrpConfig, VrrpInstance } from '../config/model-vrrp.js';
import { planVrrpReload, type VrrpReloadPlan } from './reload-plan.js';
import type { ReloadFailure } from './runtime-reload.js';

export interface Closable {
  close(): void;
}

export interface PreparedReload<T extends Closable> {
  readonly plan: VrrpReloadPlan;
  /** What will run: the wanted config minus instances that cannot start, old definitions kept. */
  readonly effective: VrrpConfig;
  /** Sockets for the instances the plan adds or restarts (the others were closed). */
  readonly transports: ReadonlyMap<string, T>;
}

/**
 * Plans `running` -> `wanted` and opens the new sockets first. An instance whose socket cannot
 * be opened keeps running its old definition (restart) or is not started (add); it is logged,
 * and the next reload tries again. Undefined when nothing changed.
 */
export async function prepareVrrpReload<T extends Closable>(running: VrrpConfig, wanted: VrrpConfig, open: (def: VrrpInstance) => Promise<T>, log: Logger): Promise<PreparedReload<T> | undefined> {
  const first = planVrrpReload(running, wanted);
  if (first.unchanged) return undefined;
  const opened = new Map<string, T>();
  const keepOld = new Set<string>();
  const skip = new Set<string>();
  for (const p of first.instances) {
    if (p.action !== 'add' && p.action !== 'restart') continue;
    const def = wanted.instances.find((i) => i.name === p.instance)!;
    try {
      opened.set(p.instance, await open(def));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      (p.action === 'restart' ? keepOld : skip).add(p.instance);
      log.error(
        { event: EVENT.vrrp_reload_failed, instance: p.instance, action: p.action, reason },
        `(${p.instance}) reload: cannot open its VRRP socket (${reason}); ${p.action === 'restart' ? 'the running definition is kept' : 'not started'}`,
      );
    }
  }
  const effective: VrrpConfig = {
    ...wanted,
    instances: wanted.instances.filter((i) => !skip.has(i.name)).map((i) => (keepOld.has(i.name) ? running.instances.find((o) => o.name === i.name)! : i)),
  };
  const plan = keepOld.size + skip.size > 0 ? planVrrpReload(running, effective) : first;
  for (const d of plan.definitions) log.info({ event: EVENT.vrrp_reload, definition: d }, `reload: ${d} changed`);
  const transports = new Map<string, T>();
  for (const [name, t] of opened) {
    const action = plan.byName[name]?.action;
    if (action === 'add' || action === 'restart') transports.set(name, t);
    else t.close();
  }
  return { plan, effective, transports };
}

/**
 * After the runtime's reload: instances that could not be added or restarted lose their new
 * socket, removed ones are forgotten; returns the configuration that now runs.
 */
export function settleVrrpReload<T extends Closable>(prepared: PreparedReload<T>, failed: readonly ReloadFailure[], transports: Map<string, T>): VrrpConfig {
  const notRunning = new Set(failed.filter((f) => f.action === 'add' || f.action === 'restart').map((f) => f.instance));
  for (const name of notRunning) transports.get(name)?.close();
  for (const p of prepared.plan.instances) if (p.action === 'remove') transports.delete(p.instance);
  const { effective } = prepared;
  return { ...effective, instances: effective.instances.filter((i) => !notRunning.has(i.name)) };
}
