// vrrp_sync_group as a pure coordinator over instance machines (keepalived semantics): members
// move together. When a member becomes MASTER the others follow to MASTER; when a member steps
// down to BACKUP the others follow; while any member is faulty on its own account every member
// is held in FAULT, and they all leave FAULT together when the last fault clears.
// Forced moves (`sync` events) never propagate further, so one input causes one round.
// Ungrouped instances are simply members of no group: the coordinator drives them unchanged,
// which lets the runtime keep one timer for every instance. Pure module.
//
// State is array-indexed (names resolved once) because the runtime steps the coordinator for
// every received advert: with 50 instances at 100 ms adverts that is 500 steps a second.
import { initialState, machineDeadline, ownFault, step, type Effect, type MachineEvent, type MachineState, type NotifyState } from './machine.js';
import type { MachineConfig } from './machine-config.js';

export interface SyncGroupDef {
  readonly name: string;
  readonly members: readonly string[];
}

export interface CoordinatorState {
  /** Machines in config order. */
  readonly machines: readonly MachineState[];
  /** Each machine's next deadline (cached from its last step). */
  readonly next: readonly (number | undefined)[];
  /** Instance name -> index into `machines` (fixed at creation). */
  readonly index: Readonly<Record<string, number>>;
  /** Per machine: indexes of the other members of its sync group (empty when ungrouped). */
  readonly peers: readonly (readonly number[])[];
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
  return composeCoordinator(configs.map(initialState), groups);
}

/**
 * A coordinator over the given machines, states as they are (reload: machines carried over by
 * name, new ones in INIT, removed ones left out; sync groups as in the new config).
 */
export function composeCoordinator(machines: readonly MachineState[], groups: readonly SyncGroupDef[] = []): CoordinatorState {
  const index: Record<string, number> = {};
  machines.forEach((m, i) => (index[m.cfg.name] = i));
  const known = groups.map((g) => ({ name: g.name, members: g.members.filter((m) => m in index) }));
  const peers = machines.map((m) => {
    const g = known.find((x) => x.members.includes(m.cfg.name));
    return g ? g.members.filter((x) => x !== m.cfg.name).map((x) => index[x]!) : [];
  });
  return { machines: machines.slice(), next: machines.map(machineDeadline), index, peers, groups: known };
}

export function machineOf(cs: CoordinatorState, name: string): MachineState | undefined {
  const i = cs.index[name];
  return i === undefined ? undefined : cs.machines[i];
}

export function coordinatorDeadline(cs: CoordinatorState): number | undefined {
  let min: number | undefined;
  for (const v of cs.next) if (v !== undefined && (min === undefined || v < min)) min = v;
  return min;
}

/** Feed one event to one instance (or, for `tick` without target, to every instance with a due deadline). */
export function coordinatorStep(cs: CoordinatorState, target: string | undefined, event: MachineEvent, now: number): CoordinatorResult {
  return coordinatorSteps(cs, [{ target, event, now }]);
}

export interface CoordinatorInput {
  readonly target: string | undefined;
  readonly event: MachineEvent;
  readonly now: number;
}

/**
 * Several inputs in order: the same result as chaining `coordinatorStep` over them, with the
 * arrays copied once (the runtime replays absorbed repeat adverts of every instance in one batch).
 */
export function coordinatorSteps(cs: CoordinatorState, inputs: readonly CoordinatorInput[]): CoordinatorResult {
  const machines = cs.machines.slice();
  const next = cs.next.slice();
  const effects: TaggedEffect[] = [];
  for (const { target, event, now } of inputs) stepInto(cs, machines, next, effects, target, event, now);
  const state: CoordinatorState = { machines, next, index: cs.index, peers: cs.peers, groups: cs.groups };
  let nextDeadline: number | undefined;
  for (const v of next) if (v !== undefined && (nextDeadline === undefined || v < nextDeadline)) nextDeadline = v;
  return { state, effects, nextDeadline };
}

function stepInto(cs: CoordinatorState, machines: MachineState[], next: (number | undefined)[], effects: TaggedEffect[], target: string | undefined, event: MachineEvent, now: number): void {
  const run = (i: number, ev: MachineEvent): readonly Effect[] => {
    const r = step(machines[i]!, ev, now);
    machines[i] = r.state;
    next[i] = r.nextDeadline;
    const name = r.state.cfg.name;
    for (const e of r.effects) effects.push({ instance: name, effect: e });
    return r.effects;
  };
  let targets: number[];
  if (target !== undefined) {
    const i = cs.index[target];
    targets = i === undefined ? [] : [i];
  } else if (event.type === 'tick') {
    targets = [];
    next.forEach((d, i) => {
      if (d !== undefined && d <= now) targets.push(i);
    });
  } else targets = [];
  for (const i of targets) {
    const before = machines[i]!.phase;
    const out = run(i, event);
    const others = cs.peers[i]!;
    if (others.length === 0 || event.type === 'sync') continue;
    const members = [i, ...others];
    // Fault: hold every other member in FAULT while any member is faulty on its own.
    for (const o of others) {
      const anyOtherFaulty = members.some((m) => m !== o && ownFault(machines[m]!));
      const held = machines[o]!.groupFault;
      if (anyOtherFaulty && !held) run(o, { type: 'sync', to: 'FAULT' });
      else if (!anyOtherFaulty && held) run(o, { type: 'sync', to: 'FAULT-CLEARED' });
    }
    for (const e of out) {
      if (e.type !== 'LogTransition') continue;
      if (e.to === 'MASTER') for (const o of others) run(o, { type: 'sync', to: 'MASTER' });
      else if (e.to === 'BACKUP' && before === 'MASTER') for (const o of others) run(o, { type: 'sync', to: 'BACKUP' });
    }
  }
}

/** A sync group whose members all reached a new state: its notify is due (keepalived runs it once per move). */
export interface GroupMove<G> {
  readonly group: G;
  readonly state: NotifyState;
  /** The first member's effective priority (the notify's PRIORITY argument). */
  readonly priority: number;
}

/** Sync groups whose members now all agree on a state other than the one last notified. */
export function groupMoves<G extends { readonly name: string; readonly members: readonly string[] }>(
  cs: CoordinatorState,
  groups: readonly G[],
  last: ReadonlyMap<string, NotifyState>,
): GroupMove<G>[] {
  const out: GroupMove<G>[] = [];
  for (const g of groups) {
    const phases = g.members.map((m) => machineOf(cs, m)?.phase);
    const first = phases[0];
    if (first === undefined || !phases.every((p) => p === first)) continue;
    const state: NotifyState | undefined = first === 'STOPPED' ? 'STOP' : first === 'MASTER' || first === 'BACKUP' || first === 'FAULT' ? first : undefined;
    if (state === undefined || last.get(g.name) === state) continue;
    out.push({ group: g, state, priority: machineOf(cs, g.members[0]!)!.priority });
  }
  return out;
}
