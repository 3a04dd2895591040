// Receive-side checks of a VRRP advert against our instance (RFC 3768 §7.1, RFC 5798 §7.1),
// with keepalived's choices where the RFCs leave room. Pure module. Every rejection is one
// reason from a closed set, so the runtime can keep one counter per reason.
//
// Order matters for counting: structural checks first (short, version, type, length,
// checksum), then the VRID — packets for other VRIDs on a shared link are normal and are
// counted only as `unknown-vrid`, so they do not inflate our error counters — then the checks
// that concern our group (destination, TTL, auth, addresses, interval, unicast peer).

import type { VrrpInstance } from '../config/model-vrrp.js';
import type { ReceivedVrrp } from './transport.js';
import { canonicalAddress, type Family } from './address.js';
import { AUTH_NONE, AUTH_PASS, VRRP_MULTICAST_V4, VRRP_TTL, decodeAdvert, passwordAuthData, type Advert, type DecodedAdvert } from './packet.js';

export const REJECT_REASONS = [
  'short', // fewer bytes than the 8-byte header
  'bad-version', // not 2/3, not our configured version, or v2 over IPv6
  'bad-type', // not an ADVERTISEMENT (type 1)
  'truncated', // fewer bytes than the address count (and v2 auth data) need
  'bad-length', // more bytes than the address count says
  'bad-checksum',
  'unknown-vrid', // not ours: ignored, counted separately from errors
  'unicast-dst', // multicast mode: sent to a unicast address (keepalived: "Expected multicast packet")
  'multicast-dst', // unicast mode: sent to a multicast group (keepalived: "Expected unicast packet")
  'ttl', // TTL / hop limit != 255 (RFC 5798 §7.1: the packet may have been forwarded)
  'auth-type', // v2: auth type differs from ours
  'auth', // v2 PASS: password differs
  'address-count', // number of addresses differs from our virtual_ipaddress block
  'address-list', // same count, different addresses
  'advert-interval', // v2 only (RFC 3768 §7.1: MUST discard); v3 backups adopt the master's
  'unicast-peer', // unicast mode: source is not one of our unicast_peer addresses
  'own-advert', // our own advert looped back (source is our address)
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** What validation needs from the instance config, pre-normalised once. */
export interface AdvertPolicy {
  readonly version: 2 | 3;
  readonly family: Family;
  readonly vrid: number;
  /** Canonical addresses we send in adverts (excluded addresses are not in adverts). */
  readonly addresses: readonly string[];
  readonly advertInt: number;
  readonly authType: number;
  readonly authData: Uint8Array;
  /** Canonical unicast peers; empty = multicast, any source accepted. */
  readonly unicastPeers: readonly string[];
  readonly pseudoHeader: boolean;
}

export function advertPolicy(inst: VrrpInstance): AdvertPolicy {
  const canon = (a: string): string => canonicalAddress(a) ?? a;
  return {
    version: inst.version,
    family: inst.family,
    vrid: inst.vrid,
    addresses: inst.virtualAddresses.map((v) => canon(v.address)),
    advertInt: inst.advertInt,
    authType: inst.auth ? AUTH_PASS : AUTH_NONE,
    authData: inst.auth ? passwordAuthData(inst.auth.password) : new Uint8Array(8),
    unicastPeers: inst.unicastPeers.map(canon),
    pseudoHeader: inst.checksumPseudoHeader,
  };
}

/** The advert we send for this instance at `priority` (the mirror image of what we accept). */
export function ourAdvert(policy: AdvertPolicy, priority: number): Advert {
  return {
    version: policy.version,
    family: policy.family,
    vrid: policy.vrid,
    priority,
    advertInt: policy.advertInt,
    addresses: policy.addresses,
    authType: policy.authType,
    authData: policy.version === 2 ? policy.authData : new Uint8Array(0),
    reserved: 0,
  };
}

export type Validation =
  | { readonly ok: true; readonly advert: DecodedAdvert }
  | {
      readonly ok: false;
      readonly reason: RejectReason;
      readonly detail: string;
      /**
       * Set for an otherwise valid advert with our VRID whose address list differs from ours:
       * most likely another VRRP group on the link uses our VRID (a misconfiguration that
       * keepalived reports as "VIP associated with VRID mismatch actual MASTER advert").
       */
      readonly conflict?: { readonly vrid: number; readonly src: string; readonly addresses: readonly string[] };
    };

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * keepalived before 2.0 computed the VRRPv3-over-IPv4 checksum of *unicast* adverts with the
 * multicast group (224.0.0.18) as pseudo-header destination; current keepalived accepts that
 * ("Setting unicast VRRPv3 checksum to old version") and so do we, so a group can be migrated
 * from old keepalived nodes.
 */
function oldUnicastChecksum(rx: ReceivedVrrp, policy: AdvertPolicy): boolean {
  if (policy.version !== 3 || policy.family !== 4 || policy.unicastPeers.length === 0 || !policy.pseudoHeader) return false;
  const d = decodeAdvert(rx.payload, 4, { src: rx.src, dst: VRRP_MULTICAST_V4, pseudoHeader: true });
  return d.ok && d.advert.checksumOk;
}

/** 224.0.0.0/4, or ff00::/8. */
function isMulticast(addr: string): boolean {
  if (addr.includes(':')) return addr.length >= 2 && (addr.charCodeAt(0) | 0x20) === 0x66 && (addr.charCodeAt(1) | 0x20) === 0x66;
  const dot = addr.indexOf('.');
  const first = Number(addr.slice(0, dot));
  return first >= 224 && first <= 239;
}

/**
 * Validate a received packet for one instance. `localAddress` is our own source address
 * (to recognise our adverts looped back by the network or a multicast loop).
 */
export function validate(rx: ReceivedVrrp, policy: AdvertPolicy, localAddress?: string): Validation {
  const d = decodeAdvert(rx.payload, policy.family, { src: rx.src, dst: rx.dst, pseudoHeader: policy.pseudoHeader });
  if (!d.ok) {
    const reason: RejectReason = d.reason === 'bad-family' ? 'bad-version' : d.reason;
    return { ok: false, reason, detail: d.detail };
  }
  const a = d.advert;
  if (a.version !== policy.version) return { ok: false, reason: 'bad-version', detail: `VRRPv${a.version}, we run v${policy.version}` };
  if (!a.checksumOk && !oldUnicastChecksum(rx, policy)) {
    return { ok: false, reason: 'bad-checksum', detail: `checksum 0x${a.checksum.toString(16).padStart(4, '0')}` };
  }
  if (a.vrid !== policy.vrid) return { ok: false, reason: 'unknown-vrid', detail: `VRID ${a.vrid}` };
  // keepalived (vrrp_check_packet): the destination must be multicast exactly when the instance
  // has no unicast peers. Without this, a host outside the group could unicast an advert to a
  // master's own address (no TTL or group membership needed to reach it) and, knowing a PASS
  // secret, make it yield. An unknown destination (no packet info) is not held against the packet.
  if (rx.dst !== '') {
    const multicast = isMulticast(rx.dst);
    if (policy.unicastPeers.length === 0 && !multicast) return { ok: false, reason: 'unicast-dst', detail: `sent to ${rx.dst}, expected the multicast group` };
    if (policy.unicastPeers.length > 0 && multicast) return { ok: false, reason: 'multicast-dst', detail: `sent to ${rx.dst}, expected unicast` };
  }
  // RFC 5798 §7.1 MUST verify TTL 255 (the advert was not forwarded). keepalived applies this to
  // multicast only: unicast adverts may legitimately cross routers, and their source is checked
  // against unicast_peer instead. We do the same.
  if (policy.unicastPeers.length === 0 && rx.ttl !== VRRP_TTL) {
    return { ok: false, reason: 'ttl', detail: `${policy.family === 4 ? 'TTL' : 'hop limit'} ${rx.ttl}` };
  }
  const src = canonicalAddress(rx.src) ?? rx.src;
  if (localAddress !== undefined && src === (canonicalAddress(localAddress) ?? localAddress)) {
    return { ok: false, reason: 'own-advert', detail: `from our own address ${src}` };
  }
  if (policy.unicastPeers.length > 0 && !policy.unicastPeers.includes(src)) {
    // keepalived (vrrp_check_unicast_src) drops adverts from sources outside unicast_peer.
    return { ok: false, reason: 'unicast-peer', detail: `${src} is not a unicast peer` };
  }
  if (a.version === 2) {
    if (a.authType !== policy.authType) return { ok: false, reason: 'auth-type', detail: `auth type ${a.authType}, ours ${policy.authType}` };
    // RFC 3768 §5.3.6.1: with no auth the data is ignored on receipt; with PASS it must match.
    if (policy.authType === AUTH_PASS && !sameBytes(a.authData, policy.authData)) {
      return { ok: false, reason: 'auth', detail: 'password mismatch' };
    }
  }
  // RFC 3768 §7.1 / RFC 5798 §7.1: "MAY verify that the IP address(es) associated with the
  // VRID are valid"; keepalived verifies and drops with a log line. We do the same, and flag the
  // packet as a probable second group on our VRID. An owner (priority 255) advert with a different
  // list is still a conflict: two groups cannot share a VRID (one virtual MAC).
  const conflict = { vrid: a.vrid, src, addresses: a.addresses };
  if (a.addresses.length !== policy.addresses.length) {
    return { ok: false, reason: 'address-count', detail: `${a.addresses.length} addresses, ours ${policy.addresses.length}`, conflict };
  }
  const ours = new Set(policy.addresses);
  const missing = a.addresses.filter((x) => !ours.has(x));
  if (missing.length > 0) return { ok: false, reason: 'address-list', detail: `unexpected ${missing.join(', ')}`, conflict };
  // v2: RFC 3768 §7.1 "MUST verify that the Adver Interval in the packet is the same as the
  // locally configured" and discard otherwise (keepalived logs "advertisement interval mismatch").
  // v3: no such check; a backup adopts the master's interval (RFC 5798 §6.4.2), so the packet
  // passes and the machine uses `advert.advertInt` for its Master_Down_Interval.
  if (a.version === 2 && a.advertInt !== policy.advertInt) {
    return { ok: false, reason: 'advert-interval', detail: `interval ${a.advertInt} ms, ours ${policy.advertInt} ms` };
  }
  return { ok: true, advert: a };
}
