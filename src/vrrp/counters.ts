// What the VRRP runtime counts per instance (metrics, keepalived.stats). Pure module.
import { REJECT_REASONS, type RejectReason } from './validate.js';
import { TRANSITION_REASONS, type TransitionReason } from './machine.js';

export interface InstanceCounters {
  rxAccepted: number;
  /** One counter per rejection reason (validate.ts), `unknown-vrid` excluded. */
  rxRejected: Record<Exclude<RejectReason, 'unknown-vrid'>, number>;
  /** Adverts for VRIDs that are not ours: normal on a shared link, ignored. */
  rxOtherVrid: number;
  /** Accepted adverts with priority 0 (a master stepping down; keepalived's stats count them). */
  rxPriorityZero: number;
  txAdverts: number;
  txPriorityZero: number;
  txErrors: number;
  garpSent: number;
  vipErrors: number;
  conflicts: number;
  /** Event-loop stalls longer than an advert interval noticed while MASTER or BACKUP (see checkStall). */
  stalls: number;
  /** Keyed `FROM->TO`. */
  transitions: Record<string, number>;
  transitionsByReason: Record<TransitionReason, number>;
}

export function zeroCounters(): InstanceCounters {
  const rej = Object.fromEntries(REJECT_REASONS.filter((r) => r !== 'unknown-vrid').map((r) => [r, 0])) as InstanceCounters['rxRejected'];
  const byReason = Object.fromEntries(TRANSITION_REASONS.map((r) => [r, 0])) as InstanceCounters['transitionsByReason'];
  return {
    rxAccepted: 0,
    rxRejected: rej,
    rxOtherVrid: 0,
    rxPriorityZero: 0,
    txAdverts: 0,
    txPriorityZero: 0,
    txErrors: 0,
    garpSent: 0,
    vipErrors: 0,
    conflicts: 0,
    stalls: 0,
    transitions: {},
    transitionsByReason: byReason,
  };
}
