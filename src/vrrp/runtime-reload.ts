// Live reload of a running VRRP runtime (keepalived SIGHUP semantics): applies a reload plan
// (reload-plan.ts) instance by instance through a narrow view of the runtime (ReloadHost).
import { EVENT } from '../log/events.js';
import type { Logger } from '../log/logger.js';
import type { VrrpInstance } from '../config/model-vrrp.js';
import type { InstancePlan, ReloadAction, VrrpReloadPlan } from './reload-plan.js';
import type { MachineEvent, MachineState, Phase } from './machine.js';
import type { EffectExecutor, EffectTarget } from './effects.js';
import type { AbsorbingInstance, RepeatAbsorber } from './repeat-absorber.js';
import type { VrrpTransport } from './transport.js';
import { vipChanges } from './vip-diff.js';

/** What a reload could not apply (the rest was applied; see applyReload). */
export interface ReloadFailure {
  readonly instance: string;
  readonly action: ReloadAction;
  readonly error: string;
}

export interface ReloadableInstance extends EffectTarget, AbsorbingInstance {
  readonly transport: VrrpTransport;
  /** Cleared when a reload removes the instance: its transport listener then ignores packets. */
  readonly live: { on: boolean };
}

/** The runtime as a reload sees it. */
export interface ReloadHost<I extends ReloadableInstance> {
  readonly logger: Logger;
  readonly effects: EffectExecutor;
  readonly absorber: RepeatAbsorber;
  readonly insts: Map<string, I>;
  /** Running, not halted, no stop requested. */
  active(): boolean;
  phase(name: string): Phase | undefined;
  replayRepeats(): void;
  /** Takes the next configuration's instances, groups, scripts and track files. */
  adopt(): void;
  recompose(fresh: ReadonlyMap<string, MachineState>): void;
  newInst(def: VrrpInstance): I;
  /** The same instance record (transport, counters, live flag) with new settings. */
  withDefinition(old: I, def: VrrpInstance): I;
  initialState(inst: I): MachineState;
  /** Steps `reconfigure` with the instance's new machine config. */
  reconfigure(name: string, inst: I): void;
  listen(name: string, inst: I): void;
  feed(name: string, ev: MachineEvent): void;
  untilStopped(done: () => boolean): Promise<void>;
  checkStopped(): void;
}

/**
 * Applies `plan` for the next configuration `defs`: `keep` is untouched; `update` is applied in
 * place, state kept (a master keeps its VIPs and adverts; changed VIPs are added/removed as a
 * difference and announced; a priority change takes the tracking path, machine.ts
 * `reconfigure`); `remove` and `restart` stop that instance cleanly (priority 0 if master,
 * make-before-break as on daemon stop), then `restart` starts the new definition; `add` starts.
 * Resolves once every stopped instance is gone and its replacement started. Never throws: what
 * cannot be applied is logged and returned, everything else keeps running.
 */
export async function applyReload<I extends ReloadableInstance>(host: ReloadHost<I>, instances: readonly VrrpInstance[], plan: VrrpReloadPlan): Promise<readonly ReloadFailure[]> {
  const failures: ReloadFailure[] = [];
  if (!host.active()) return failures;
  const fail = (p: InstancePlan, err: unknown): void => {
    const error = err instanceof Error ? err.message : String(err);
    failures.push({ instance: p.instance, action: p.action, error });
    host.logger.error({ event: EVENT.vrrp_reload_failed, instance: p.instance, action: p.action, reason: error }, `(${p.instance}) reload: cannot ${p.action}: ${error}`);
  };
  const defs = new Map(instances.map((i) => [i.name, i] as const));
  // Absorbed repeats are replayed under the configuration they arrived with.
  host.replayRepeats();
  host.adopt();
  host.recompose(new Map());

  for (const p of plan.instances) {
    const def = defs.get(p.instance);
    if (p.action !== 'update' || !def || !host.insts.has(p.instance)) continue;
    try {
      updateInstance(host, def, p);
    } catch (err) {
      fail(p, err);
    }
  }
  const leaving = plan.instances.filter((p) => (p.action === 'remove' || p.action === 'restart') && host.insts.has(p.instance));
  for (const p of leaving) {
    logReload(host.logger, p);
    host.feed(p.instance, { type: 'stop' });
  }
  for (const p of plan.instances) {
    const def = defs.get(p.instance);
    if (p.action !== 'add' || !def) continue;
    logReload(host.logger, p);
    startInstance(host, def, p, fail);
  }
  if (leaving.length === 0) return failures;

  const names = new Set(leaving.map((p) => p.instance));
  const gone = host.untilStopped(() => [...names].every((n) => (host.phase(n) ?? 'STOPPED') === 'STOPPED'));
  host.checkStopped();
  await gone;
  if (!host.active()) return failures; // the daemon is stopping
  for (const p of leaving) {
    const old = host.insts.get(p.instance);
    if (!old) continue;
    old.live.on = false;
    host.absorber.disarm(old);
    host.insts.delete(p.instance);
    if (![...host.insts.values()].some((i) => i.transport === old.transport)) old.transport.close();
  }
  host.recompose(new Map());
  for (const p of leaving) {
    const def = defs.get(p.instance);
    if (p.action === 'restart' && def) startInstance(host, def, p, fail);
  }
  return failures;
}

function logReload(logger: Logger, p: InstancePlan, extra: Record<string, unknown> = {}): void {
  const what = p.changes.length > 0 ? `: ${p.changes.join(', ')}` : '';
  logger.info({ event: EVENT.vrrp_reload, instance: p.instance, action: p.action, changes: p.changes, ...extra }, `(${p.instance}) reload ${p.action}${what}`);
}

function startInstance<I extends ReloadableInstance>(host: ReloadHost<I>, def: VrrpInstance, p: InstancePlan, fail: (p: InstancePlan, err: unknown) => void): void {
  let inst: I;
  try {
    inst = host.newInst(def);
  } catch (err) {
    fail(p, err);
    return;
  }
  host.insts.set(def.name, inst);
  host.recompose(new Map([[def.name, host.initialState(inst)]]));
  host.listen(def.name, inst);
  host.feed(def.name, { type: 'start' });
}

/** In place: same transport, counters and machine state; new settings, VIP difference applied. */
function updateInstance<I extends ReloadableInstance>(host: ReloadHost<I>, def: VrrpInstance, p: InstancePlan): void {
  const old = host.insts.get(def.name)!;
  // The armed repeat was accepted under the old settings (address list, priority rules).
  host.absorber.disarm(old);
  const inst = host.withDefinition(old, def);
  host.insts.set(def.name, inst);
  const phase = host.phase(def.name)!;
  const vips = vipChanges(old.vips, inst.vips, def.interface);
  // Only a router holding the VIPs changes them: a master, or one stopping make-before-break.
  const holding = phase === 'MASTER' || phase === 'STOPPING';
  logReload(host.logger, p, { state: phase, ...(vips.added.length || vips.removed.length ? { vipsAdded: vips.added.map((v) => v.address), vipsRemoved: vips.removed.map((v) => v.address) } : {}) });
  if (holding && (vips.added.length > 0 || vips.removed.length > 0)) {
    host.effects.enqueue(def.name, async () => {
      await host.effects.vipOp(old, 'remove', vips.removed);
      await host.effects.vipOp(inst, 'add', vips.added);
      if (vips.added.length > 0 && def.garp.masterRepeat > 0) await host.effects.garp(inst, def.garp.masterRepeat, vips.added);
    });
  }
  host.reconfigure(def.name, inst);
}
