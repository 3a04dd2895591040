// What a reload (SIGHUP) does to each VRRP instance, decided from the running and the next
// config alone. Pure module. keepalived on SIGHUP re-reads its config, matches old and new
// instances by name and carries their state over (vrrp_data.c / clear_diff_vrrp), so a VIP
// whose instance did not change never flaps; we match that, and go one step further by
// applying most changes in place instead of re-initialising the instance.
//
//   keep     identical (source positions ignored)
//   update   changed, but applicable without leaving the current state: priority, VIPs,
//            tracking and weights, notify, preempt settings, garp, advert interval, auth
//   restart  identity changed (interface, VRID, version, family, unicast/multicast, unicast
//            peers or source): clean stop (priority 0 if master), then start the new one
//   add      new name: start
//   remove   name gone: clean stop
//
// Changes outside the instances (vrrp_script, vrrp_track_file, vrrp_sync_group, global_defs)
// are mapped to the instances they affect: those become `update` (or stay `restart`).

import type { VrrpConfig, VrrpInstance } from '../config/model-vrrp.js';

const RELOAD_ACTIONS = ['keep', 'update', 'restart', 'add', 'remove'] as const;
export type ReloadAction = (typeof RELOAD_ACTIONS)[number];

export interface InstancePlan {
  readonly instance: string;
  readonly action: ReloadAction;
  /**
   * What differs: instance fields by model name (`priority`, `virtualAddresses`, …) and
   * definitions the instance depends on (`script:NAME`, `file:NAME`, `syncGroup:NAME`,
   * `globals.FIELD`). Empty for keep/add/remove.
   */
  readonly changes: readonly string[];
}

export interface VrrpReloadPlan {
  /** Removed instances first (in running order), then the next config's instances in order. */
  readonly instances: readonly InstancePlan[];
  readonly byName: Readonly<Record<string, InstancePlan>>;
  /** Definitions outside the instances that changed (`script:NAME`, `globals.FIELD`, …). */
  readonly definitions: readonly string[];
  /** True when nothing at all differs (keep everywhere and no definition changed). */
  readonly unchanged: boolean;
}

/**
 * Fields whose change means a different VRRP router on the wire (another socket, VRID, packet
 * format or peer set): the instance must be stopped and started again. Any field not listed in
 * UPDATE_FIELDS counts as identity too, so a field added to the model later is safe by default.
 */
export const IDENTITY_FIELDS = ['interface', 'vrid', 'version', 'family', 'unicastSrcIp', 'unicastPeers'] as const satisfies readonly (keyof VrrpInstance)[];

/** Fields applied in place (runtime.ts `reload`, machine.ts `reconfigure`). */
export const UPDATE_FIELDS = [
  'priority',
  'advertInt',
  'initialState',
  'nopreempt',
  'preemptDelay',
  'auth',
  'virtualAddresses',
  'virtualAddressesExcluded',
  'trackScripts',
  'trackInterfaces',
  'trackFiles',
  'notify',
  'checksumPseudoHeader',
  'garp',
  'dontTrackPrimary',
  'fastTakeover',
  'stopHoldMax',
] as const satisfies readonly (keyof VrrpInstance)[];

const UPDATE_SET: ReadonlySet<string> = new Set(UPDATE_FIELDS);
const IGNORED: ReadonlySet<string> = new Set(['name', 'pos']);

/** Structural equality that ignores `pos` (source positions) at any depth. */
export function sameIgnoringPositions(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameIgnoringPositions(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).filter((k) => k !== 'pos' && (a as Record<string, unknown>)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => k !== 'pos' && (b as Record<string, unknown>)[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => sameIgnoringPositions((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** Instance fields that differ (model names), in a stable order. */
function instanceFieldChanges(a: VrrpInstance, b: VrrpInstance): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !IGNORED.has(k)).sort();
  return keys.filter((k) => !sameIgnoringPositions((a as unknown as Record<string, unknown>)[k], (b as unknown as Record<string, unknown>)[k]));
}

/** Names of definitions in `a` or `b` whose entries differ (added, removed or changed). */
function changedNames<T extends { readonly name: string }>(a: readonly T[], b: readonly T[]): Set<string> {
  const ma = new Map(a.map((x) => [x.name, x] as const));
  const mb = new Map(b.map((x) => [x.name, x] as const));
  const out = new Set<string>();
  for (const name of new Set([...ma.keys(), ...mb.keys()])) if (!sameIgnoringPositions(ma.get(name), mb.get(name))) out.add(name);
  return out;
}

function groupOf(cfg: VrrpConfig, instance: string): string | undefined {
  return cfg.syncGroups.find((g) => g.members.includes(instance))?.name;
}

/** Global settings that reach an instance: script user and security (its track and notify scripts). */
function scriptGlobalsMatter(inst: VrrpInstance): boolean {
  const n = inst.notify;
  return inst.trackScripts.length > 0 || [n.master, n.backup, n.fault, n.stop, n.any].some((s) => s !== undefined);
}

export function planVrrpReload(running: VrrpConfig, next: VrrpConfig): VrrpReloadPlan {
  const scripts = changedNames(running.scripts, next.scripts);
  const files = changedNames(running.trackFiles, next.trackFiles);
  const groups = changedNames(running.syncGroups, next.syncGroups);
  const globals = (Object.keys({ ...running.globals, ...next.globals }) as (keyof VrrpConfig['globals'])[]).filter((k) => !sameIgnoringPositions(running.globals[k], next.globals[k])).sort();
  const definitions = [
    ...[...scripts].sort().map((n) => `script:${n}`),
    ...[...files].sort().map((n) => `file:${n}`),
    ...[...groups].sort().map((n) => `syncGroup:${n}`),
    ...globals.map((k) => `globals.${k}`),
  ];

  const before = new Map(running.instances.map((i) => [i.name, i] as const));
  const after = new Set(next.instances.map((i) => i.name));
  const plans: InstancePlan[] = [];
  for (const old of running.instances) if (!after.has(old.name)) plans.push({ instance: old.name, action: 'remove', changes: [] });
  for (const inst of next.instances) {
    const old = before.get(inst.name);
    if (!old) {
      plans.push({ instance: inst.name, action: 'add', changes: [] });
      continue;
    }
    const fields = instanceFieldChanges(old, inst);
    const deps = [
      ...[...new Set([...old.trackScripts, ...inst.trackScripts].map((t) => t.name))]
        .filter((n) => scripts.has(n))
        .sort()
        .map((n) => `script:${n}`),
      ...[...new Set([...old.trackFiles, ...inst.trackFiles].map((t) => t.name))]
        .filter((n) => files.has(n))
        .sort()
        .map((n) => `file:${n}`),
      ...[...new Set([groupOf(running, inst.name), groupOf(next, inst.name)])].filter((g): g is string => g !== undefined && groups.has(g)).map((g) => `syncGroup:${g}`),
      ...(scriptGlobalsMatter(old) || scriptGlobalsMatter(inst) ? globals.filter((k) => k === 'scriptUser' || k === 'enableScriptSecurity').map((k) => `globals.${k}`) : []),
    ];
    const changes = [...fields, ...deps];
    const identity = fields.some((f) => !UPDATE_SET.has(f));
    plans.push({ instance: inst.name, action: changes.length === 0 ? 'keep' : identity ? 'restart' : 'update', changes });
  }
  const byName: Record<string, InstancePlan> = {};
  for (const p of plans) byName[p.instance] = p;
  return { instances: plans, byName, definitions, unchanged: definitions.length === 0 && plans.every((p) => p.action === 'keep') };
}
