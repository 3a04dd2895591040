// What one VRRP state machine needs from the config model, resolved once (track weights looked
// up, addresses canonical). Pure module.
import type { GarpSettings, TrackRef, VrrpInstance, VrrpScript, VrrpTrackFile } from '../config/model-vrrp.js';
import { canonicalAddress } from './address.js';
import type { TrackWeight } from '../track/priority.js';

export interface TrackItem extends TrackWeight {
  /** `script:NAME`, `interface:NAME` or `file:NAME`: the key of TrackChange events. */
  readonly key: string;
  // weight and reverse: track/priority.ts (keepalived's rules, one place).
}

export interface MachineConfig {
  readonly name: string;
  readonly vrid: number;
  readonly version: 2 | 3;
  /** Configured priority 1-255 (255 = address owner). */
  readonly priority: number;
  /** Our advertisement interval, ms. */
  readonly advertInt: number;
  readonly initialState: 'MASTER' | 'BACKUP';
  readonly nopreempt: boolean;
  readonly preemptDelay: number;
  /** Our primary address on the interface (source of our adverts; the tie-break key). */
  readonly primaryAddress: string;
  /** Canonical unicast peers; empty means multicast (the peer set is unknown). */
  readonly peers: readonly string[];
  readonly tracks: readonly TrackItem[];
  readonly garp: GarpSettings;
  /**
   * halb: on a clean stop the master keeps its VIPs until it hears the new master, at most this
   * long (ms). Default: the stopping master's own Master_Down_Interval, the longest any backup
   * can take to notice the priority-0 advert was lost and take over on its own.
   */
  readonly stopHoldMax?: number;
  /** halb: take over at once on a priority-0 advert when provably the best remaining candidate. */
  readonly fastTakeover: boolean;
}

export interface MachineConfigInputs {
  /** Our source address: `unicast_src_ip` or the interface's primary address. */
  readonly primaryAddress: string;
  readonly scripts?: readonly VrrpScript[];
  readonly trackFiles?: readonly VrrpTrackFile[];
  /** Overrides the instance's `fastTakeover` (runtime-wide switch). */
  readonly fastTakeover?: boolean;
  /** Overrides the instance's `stopHoldMax`. */
  readonly stopHoldMax?: number;
}

export function machineConfig(inst: VrrpInstance, inputs: MachineConfigInputs): MachineConfig {
  const scriptWeight = new Map((inputs.scripts ?? []).map((s) => [s.name, s] as const));
  const fileSpec = new Map((inputs.trackFiles ?? []).map((f) => [f.name, f] as const));
  const item = (kind: TrackItem['kind'], ref: TrackRef, base: number, baseReverse = false): TrackItem => ({
    kind,
    name: ref.name,
    key: `${kind}:${ref.name}`,
    weight: ref.weight ?? base,
    reverse: ref.reverse ?? baseReverse,
  });
  const tracks: TrackItem[] = [
    ...inst.trackScripts.map((r) => {
      const s = scriptWeight.get(r.name);
      return item('script', r, s?.weight ?? 0, s?.weightReverse ?? false);
    }),
    // keepalived: a tracked interface without a weight puts the instance in FAULT when down.
    ...inst.trackInterfaces.map((r) => item('interface', r, 0)),
    ...inst.trackFiles.map((r) => {
      const f = fileSpec.get(r.name);
      return item('file', r, f?.weight ?? 1, f?.weightReverse ?? false);
    }),
  ];
  return {
    name: inst.name,
    vrid: inst.vrid,
    version: inst.version,
    priority: inst.priority,
    advertInt: inst.advertInt,
    initialState: inst.initialState,
    nopreempt: inst.nopreempt,
    preemptDelay: inst.preemptDelay,
    primaryAddress: canonicalAddress(inputs.primaryAddress) ?? inputs.primaryAddress,
    peers: inst.unicastPeers.map((p) => canonicalAddress(p) ?? p),
    tracks,
    garp: inst.garp,
    fastTakeover: inputs.fastTakeover ?? inst.fastTakeover ?? true,
    ...((inputs.stopHoldMax ?? inst.stopHoldMax) !== undefined ? { stopHoldMax: (inputs.stopHoldMax ?? inst.stopHoldMax)! } : {}),
  };
}
