// vrrp_sync_group as a pure coordinator over instance machines (keepalived semantics): members
// move together. When a member becomes MASTER the others follow to MASTER; when a member steps
// down to BACKUP the others follow; while any member is faulty on its own account every member
// is held in FAULT, and they all leave FAULT together when the last fault clears.
// Forced moves (`sync` events) never propagate further, so one input causes one round.
// Ungrouped instances are simply members of no group: the coordinator drives them unchanged,
// which lets the runtime keep one timer for every instance. Pure module.
import { initialState, ownFault, step, type Effect, type MachineEvent, type MachineState } from './machine.js';
import type { MachineConfig } from './machine-config.js';

export interface SyncGroupDef {
  readonly name: string;
  readonly members: readonly string[];
}

export interface CoordinatorState {
  readonly machines: Readonly<Record<string, MachineState>>;
  readonly groups: readonly SyncGroupDef[];
}

export interface TaggedEffect {
  readonly instance: string;
  readonly effect: Effect;
}

export interface CoordinatorResult {
  readonly state: CoordinatorState;
  readonly effects: readonly TaggedEffect[];
  readonly nextDeadline: number | undefined;
}

export function initialCoordinator(configs: readonly MachineConfig[], groups: readonly SyncGroupDef[] = []): CoordinatorState {
  const machines: Record<string, MachineState> = {};
  for (const c of configs) machines[c.name] = initialState(c);
  return { machines, groups: groups.map((g) => ({ name: g.name, members: g.members.filter((m) => m in machines) })) };
}

export function coordinatorDeadline(cs: CoordinatorState): number | undefined {
  let min: number | undefined;
  for (const m of Object.values(cs.machines)) {
    for (const v of Object.values(m.deadlines)) if (v !== undefined && (min === undefined || v < min)) min = v;
  }
  return min;
}

function groupOf(cs: CoordinatorState, name: string): SyncGroupDef | undefined {
  return cs.groups.find((g) => g.members.includes(name));
}

/** Feed one event to one instance (or, for `tick`, to every instance with a due deadline). */
export function coordinatorStep(cs: CoordinatorState, target: string | undefined, event: MachineEvent, now: number): CoordinatorResult {
  const machines: Record<string, MachineState> = { ...cs.machines };
  const effects: TaggedEffect[] = [];
  const run = (name: string, ev: MachineEvent): readonly Effect[] => {
    const m = machines[name];
    if (!m) return [];
    const r = step(m, ev, now);
    machines[name] = r.state;
    for (const e of r.effects) effects.push({ instance: name, effect: e });
    return r.effects;
  };
  const targets =
    event.type === 'tick' && target === undefined
      ? Object.keys(machines).filter((n) => Object.values(machines[n]!.deadlines).some((v) => v !== undefined && v <= now))
      : target !== undefined
        ? [target]
        : [];
  for (const name of targets) {
    const before = machines[name]?.phase;
    const out = run(name, event);
    const group = groupOf(cs, name);
    if (!group || event.type === 'sync') continue;
    const others = group.members.filter((m) => m !== name);
    // Fault: hold every other member in FAULT while any member is faulty on its own.
    for (const other of others) {
      const anyOtherFaulty = group.members.some((m) => m !== other && ownFault(machines[m]!));
      const held = machines[other]!.groupFault;
      if (anyOtherFaulty && !held) run(other, { type: 'sync', to: 'FAULT' });
      else if (!anyOtherFaulty && held) run(other, { type: 'sync', to: 'FAULT-CLEARED' });
    }
    for (const e of out) {
      if (e.type !== 'LogTransition') continue;
      if (e.to === 'MASTER') for (const other of others) run(other, { type: 'sync', to: 'MASTER' });
      else if (e.to === 'BACKUP' && before === 'MASTER') for (const other of others) run(other, { type: 'sync', to: 'BACKUP' });
    }
  }
  const state: CoordinatorState = { machines, groups: cs.groups };
  return { state, effects, nextDeadline: coordinatorDeadline(state) };
}
