// Pure DNS re-resolution decisions for servers given by hostname, after HAProxy's
// `resolvers` section semantics:
//  - a valid answer keeps the current address if it is still in the answer (so a
//    round-robin DNS name does not move a server at every query), else takes the first;
//  - an invalid answer (NX, refused, timeout, other) only takes the address away once
//    no valid answer has been seen for `hold <status>` ("checks whether any valid status
//    has been received during the past <period>"); then the server goes DOWN.

import type { Resolvers } from '../config/model.js';

export type DnsStatus = 'valid' | 'nx' | 'refused' | 'timeout' | 'other';

export interface DnsAnswer {
  readonly status: DnsStatus;
  /** Addresses in answer order; non-empty iff status is 'valid'. */
  readonly addresses: readonly string[];
  readonly detail?: string;
}

export interface DnsTrack {
  readonly address: string | undefined;
  /** Monotonic ms of the last valid answer (or of init-addr success). */
  readonly lastValidAt: number | undefined;
  readonly lastStatus?: DnsStatus;
}

export interface DnsDecision {
  readonly track: DnsTrack;
  /** Set when the address must change (undefined address = lost). */
  readonly change?: { readonly address: string | undefined; readonly reason: string };
}

const DNS_REASON: Readonly<Record<Exclude<DnsStatus, 'valid'>, string>> = {
  nx: 'DNS: NX domain',
  refused: 'DNS: query refused',
  timeout: 'DNS: no answer (timeout)',
  other: 'DNS: unspecified DNS error',
};

export function pickAddress(current: string | undefined, addresses: readonly string[]): string | undefined {
  if (current !== undefined && addresses.includes(current)) return current;
  return addresses[0];
}

export function onDnsAnswer(track: DnsTrack, answer: DnsAnswer, hold: Resolvers['hold'], now: number): DnsDecision {
  if (answer.status === 'valid' && answer.addresses.length > 0) {
    const address = pickAddress(track.address, answer.addresses);
    const next: DnsTrack = { address, lastValidAt: now, lastStatus: 'valid' };
    if (address === track.address) return { track: next };
    return { track: next, change: { address, reason: `DNS: resolved to ${address}` } };
  }
  const status: Exclude<DnsStatus, 'valid'> = answer.status === 'valid' ? 'other' : answer.status;
  const next: DnsTrack = { ...track, lastStatus: status };
  if (track.address === undefined) return { track: next };
  const expired = track.lastValidAt === undefined || now - track.lastValidAt >= hold[status];
  if (!expired) return { track: next };
  return { track: { ...next, address: undefined }, change: { address: undefined, reason: DNS_REASON[status] } };
}

/**
 * How often a server's name is re-resolved. The model has no `timeout resolve`, so
 * halb uses `hold valid` (its pre-1.9 HAProxy meaning: how long a valid answer is
 * trusted before asking again), never less than 100 ms.
 */
export function resolvePeriod(section: Resolvers): number {
  return Math.max(100, section.hold.valid);
}
