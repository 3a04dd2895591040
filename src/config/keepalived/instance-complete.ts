// After every section is read: sync-group membership, then each instance's defaults and
// cross-checks as keepalived's vrrp_complete_instance (vrrp.c) applies them, then the checks
// across instances. Where keepalived corrects a value and carries on, halb does the same and
// says so as a warning; where keepalived drops the item, it is an error.

import { didYouMean } from '../diagnostics.js';
import type { GarpSettings, TrackRef, VirtualAddress, VrrpInstance, VrrpSyncGroup } from '../model-vrrp.js';
import type { GlobalDefs } from './kw-global.js';
import type { RawInstance } from './kw-instance.js';
import type { ScriptDef, TrackFileDef } from './kw-script.js';
import type { RawGroup } from './kw-sync-group.js';
import type { MapTools, Mutable } from './kw-tools.js';

/** Keepalived's maximum Ethernet MTU-based VIP count is capped at 255 by the 8-bit count field (vrrp.c). */
const DEFAULT_MTU = 1500;

export interface CompleteCtx {
  readonly t: MapTools;
  readonly globals: GlobalDefs;
  readonly scripts: ReadonlyMap<string, ScriptDef>;
  readonly trackFiles: ReadonlyMap<string, TrackFileDef>;
  readonly groupOf: ReadonlyMap<string, RawGroup>;
}

/** Members must exist and belong to one group; group tracking applies to every member
 * (keepalived.conf(5) vrrp_sync_group). Returns the group of each instance. */
export function resolveMembership(groups: readonly RawGroup[], raws: readonly RawInstance[], t: MapTools): Map<string, RawGroup> {
  const groupOf = new Map<string, RawGroup>();
  for (const g of groups) {
    const names = new Set<string>();
    for (const m of g.members) {
      if (names.has(m.name)) {
        t.warn(m.tok, `'${m.name}' is listed twice in sync group '${g.name}'`, 'group');
        continue;
      }
      names.add(m.name);
      const inst = raws.find((r) => r.name === m.name);
      if (!inst) {
        t.err(
          m.tok,
          `sync group '${g.name}' names unknown vrrp_instance '${m.name}'`,
          didYouMean(
            m.name,
            raws.map((r) => r.name),
          ),
          'group',
        );
        continue;
      }
      const other = groupOf.get(m.name);
      if (other) {
        t.err(m.tok, `vrrp_instance '${m.name}' is already in sync group '${other.name}'`, undefined, 'group');
        continue;
      }
      groupOf.set(m.name, g);
      for (const x of g.trackScripts) if (!inst.trackScripts.some((y) => y.name === x.name)) inst.trackScripts.push(x);
      for (const x of g.trackInterfaces)
        if (!inst.trackInterfaces.some((y) => y.name === x.name)) inst.trackInterfaces.push({ name: x.name, weight: x.weight ?? 0, reverse: x.reverse ?? false, tok: x.tok });
      for (const x of g.trackFiles) if (!inst.trackFiles.some((y) => y.name === x.name)) inst.trackFiles.push(x);
    }
    if (g.members.length === 0) t.err(g.tok, `sync group '${g.name}' has no members`, undefined, 'vrrp_sync_group');
    else if (names.size === 1) t.warn(g.tok, `sync group '${g.name}' has only one member`, 'vrrp_sync_group');
  }
  return groupOf;
}

interface Basics {
  bad: boolean;
  strict: boolean;
  family: 4 | 6;
  version: 2 | 3;
  priority: number;
  state: 'MASTER' | 'BACKUP';
  advertInt: number;
}

/** Identity, version, priority/state and advert interval. */
function basics(r: RawInstance, c: CompleteCtx): Basics {
  const { t } = c;
  const at = r.stmt.args[0]!;
  const strict = r.strict ?? c.globals.strict;
  let bad = false;
  if (r.vrid === undefined) {
    t.err(at, `vrrp_instance '${r.name}' has no virtual_router_id`, undefined, 'vrrp_instance');
    bad = true;
  }
  if (r.iface === undefined) {
    t.err(at, `vrrp_instance '${r.name}' has no interface (halb needs one, also with unicast)`, undefined, 'vrrp_instance');
    bad = true;
  }
  const family: 4 | 6 = r.family ?? 4;
  let version: 2 | 3 = r.version ?? (family === 6 ? 3 : c.globals.version);
  if (family === 6 && version === 2) {
    t.warn(r.versionTok ?? at, 'VRRP version 2 cannot carry IPv6; using version 3 (as keepalived does)', 'version');
    version = 3;
  }

  // Priority unset: 255 with state MASTER, else 100 (vrrp.c vrrp_complete_instance).
  const priority = r.priority ?? (r.state === 'MASTER' ? 255 : 100);
  if (r.priority === undefined && r.state === 'MASTER') t.note(at, 'state MASTER without a priority means priority 255 (address owner), as in keepalived', 'priority');
  let state = r.state ?? (priority === 255 ? 'MASTER' : 'BACKUP');
  if (strict && (state === 'MASTER') !== (priority === 255)) {
    t.warn(at, 'strict mode: state MASTER must match priority 255; state derived from priority', 'state');
    state = priority === 255 ? 'MASTER' : 'BACKUP';
  }

  // Advert interval: v2 whole seconds below 256; v3 centiseconds below 40.96 s.
  let advertInt = r.advertMs ?? 1000;
  if (version === 2) {
    if (advertInt % 1000 !== 0) {
      t.err(r.advertTok ?? at, `advert_int ${advertInt / 1000} s is fractional; VRRPv2 carries whole seconds (use 'version 3' for sub-second adverts)`, undefined, 'advert_int');
      bad = true;
    }
  } else if (advertInt >= 40960) {
    t.err(r.advertTok ?? at, `advert_int ${advertInt / 1000} s is too long for VRRPv3 (max 40.95 s)`, undefined, 'advert_int');
    bad = true;
  } else if (advertInt % 10 !== 0) {
    const rounded = Math.max(10, Math.round(advertInt / 10) * 10);
    t.warn(r.advertTok ?? at, `advert_int ${advertInt / 1000} s rounded to ${rounded / 1000} s (VRRPv3 counts centiseconds)`, 'advert_int');
    advertInt = rounded;
  }
  return { bad, strict, family, version, priority, state, advertInt };
}

/** Authentication (vrrp.c): ignored with v3 / strict, refused when AH; unicast peers. */
function authAndUnicast(r: RawInstance, b: Basics, t: MapTools): VrrpInstance['auth'] {
  const at = r.stmt.args[0]!;
  let auth: VrrpInstance['auth'];
  if (r.authType === 'PASS') {
    if (b.strict) t.warn(r.authTok!, 'strict mode does not support authentication; ignored (as keepalived does)', 'authentication');
    else if (b.version === 3) t.warn(r.authTok!, 'VRRP version 3 does not support authentication; ignored (as keepalived does)', 'authentication');
    else if (!r.authPass) t.warn(r.authTok!, 'authentication without auth_pass; ignored (as keepalived does)', 'authentication');
    else auth = { type: 'PASS', password: r.authPass };
  } else if (r.authType === undefined && r.authPass !== undefined) {
    t.warn(r.authTok!, 'auth_pass without auth_type; no authentication is used', 'authentication');
  } else if (r.authType === 'AH') b.bad = true;

  // Unicast: a unicast keyword without peers falls back to multicast (deprecated in keepalived 2.2.4+).
  if (r.unicastConfigured && r.peers.length === 0) t.warn(r.peersTok ?? at, 'unicast configured without any unicast_peer; falling back to multicast (as keepalived does)', 'unicast_peer');
  if (b.strict && r.peers.length) {
    t.err(r.peersTok ?? at, 'strict mode does not allow unicast peers', undefined, 'unicast_peer');
    b.bad = true;
  }
  if (r.unicastSrcIp && r.peers.includes(r.unicastSrcIp)) t.warn(r.peersTok ?? at, `unicast_peer lists our own unicast_src_ip ${r.unicastSrcIp}`, 'unicast_peer');
  return auth;
}

/** At least one VIP with v3/strict; the first IPv6 one link-local; what does not fit one advert is excluded. */
function addresses(r: RawInstance, b: Basics, t: MapTools): { vips: VirtualAddress[]; evips: VirtualAddress[] } {
  const at = r.stmt.args[0]!;
  const { family, version, strict } = b;
  let vips = r.vips;
  let evips = r.evips;
  if (vips.length === 0) {
    if (version === 3 || strict) {
      t.err(at, `vrrp_instance '${r.name}' has no virtual_ipaddress; at least one is required with VRRPv3/strict mode`, undefined, 'virtual_ipaddress');
      b.bad = true;
    } else t.warn(at, `vrrp_instance '${r.name}' has no virtual_ipaddress`, 'virtual_ipaddress');
  }
  if (family === 6 && r.peers.length === 0 && vips.length && !vips[0]!.address.toLowerCase().startsWith('fe80:')) {
    if (strict) {
      t.err(at, 'strict mode: the first IPv6 VIP must be link-local', undefined, 'virtual_ipaddress');
      b.bad = true;
    } else t.note(at, 'the first IPv6 VIP should be link-local (RFC 5798 §5.2.9)', 'virtual_ipaddress');
  }
  const hdr = family === 4 ? 14 + 20 + 8 + (version === 2 ? 8 : 0) : 14 + 40 + 8;
  const maxAddr = Math.min(255, Math.floor((DEFAULT_MTU - hdr) / (family === 4 ? 4 : 16)));
  if (vips.length > maxAddr) {
    t.warn(at, `${vips.length} VIPs do not fit one advert (max ${maxAddr}); the excess is managed but not advertised (as keepalived does)`, 'virtual_ipaddress');
    evips = [...vips.slice(maxAddr), ...evips];
    vips = vips.slice(0, maxAddr);
  }
  return { vips, evips };
}

/** Preemption (vrrp.c): nopreempt is meaningless for the owner or with initial state MASTER. */
function preemption(r: RawInstance, b: Basics, t: MapTools): { nopreempt: boolean; preemptDelay: number } {
  const at = r.stmt.args[0]!;
  let nopreempt = r.nopreempt;
  let preemptDelay = r.preemptDelay;
  if (b.priority === 255 && nopreempt) {
    t.warn(r.nopreemptTok ?? at, 'nopreempt is incompatible with priority 255; cleared (as keepalived does)', 'nopreempt');
    nopreempt = false;
  }
  if (b.state === 'MASTER') {
    if (nopreempt) {
      t.warn(r.nopreemptTok ?? at, "nopreempt does not work with initial state MASTER; cleared (as keepalived does) — use 'state BACKUP'", 'nopreempt');
      nopreempt = false;
    }
    if (preemptDelay) {
      t.warn(r.preemptDelayTok ?? at, 'preempt_delay does not work with initial state MASTER; cleared (as keepalived does)', 'preempt_delay');
      preemptDelay = 0;
    }
  }
  if (preemptDelay && (b.strict || nopreempt)) {
    t.warn(r.preemptDelayTok ?? at, `preempt_delay is incompatible with ${b.strict ? 'strict mode' : 'nopreempt'}; cleared (as keepalived does)`, 'preempt_delay');
    preemptDelay = 0;
  }
  return { nopreempt, preemptDelay };
}

/** Tracking: resolve names and weights; weights are dropped in a sync group (unless
 * sync_group_tracking_weight) and for the address owner, as keepalived does. */
function tracking(r: RawInstance, b: Basics, c: CompleteCtx): Pick<VrrpInstance, 'trackScripts' | 'trackInterfaces' | 'trackFiles'> {
  const { t } = c;
  const group = c.groupOf.get(r.name);
  const zeroWeights = (group && !group.trackingWeight) || b.priority === 255;
  const why = group && !group.trackingWeight ? `it is in sync group '${group.name}'` : 'it is the address owner (priority 255)';
  const trackScripts: TrackRef[] = [];
  for (const x of r.trackScripts) {
    const sc = c.scripts.get(x.name);
    if (!sc) {
      t.err(x.tok, `track_script names unknown vrrp_script '${x.name}'`, didYouMean(x.name, c.scripts.keys()), 'track_script');
      b.bad = true;
      continue;
    }
    const weight = x.weight ?? sc.weight;
    const reverse = x.reverse ?? sc.weightReverse;
    if (weight !== 0 && zeroWeights) {
      // keepalived removes weighted scripts here (vrrp.c: "ignoring tracked script ... with weights").
      t.warn(x.tok, `weighted track_script '${x.name}' ignored because ${why} (as keepalived does; set sync_group_tracking_weight or weight 0)`, 'track_script');
      continue;
    }
    trackScripts.push({ name: x.name, weight, reverse });
  }
  const trackInterfaces: TrackRef[] = [];
  for (const x of r.trackInterfaces) {
    let weight = x.weight ?? 0;
    if (weight !== 0 && zeroWeights) {
      if (b.priority === 255) {
        t.warn(x.tok, `weighted track_interface '${x.name}' ignored because ${why} (as keepalived does)`, 'track_interface');
        continue;
      }
      t.warn(x.tok, `track_interface '${x.name}' weight set to 0 because ${why} (as keepalived does)`, 'track_interface');
      weight = 0;
    }
    trackInterfaces.push({ name: x.name, weight, reverse: x.reverse ?? false });
  }
  const trackFiles: TrackRef[] = [];
  for (const x of r.trackFiles) {
    const tf = c.trackFiles.get(x.name);
    if (!tf) {
      t.err(x.tok, `track_file names unknown track_file '${x.name}'`, didYouMean(x.name, c.trackFiles.keys()), 'track_file');
      b.bad = true;
      continue;
    }
    let weight = x.weight ?? tf.weight;
    if (weight !== 0 && zeroWeights) {
      if (x.weight === undefined && tf.weight === 1) {
        t.warn(x.tok, `track_file '${x.name}' weight set to 0 because ${why} (as keepalived does; specify weight 0)`, 'track_file');
        weight = 0;
      } else {
        t.warn(x.tok, `weighted track_file '${x.name}' ignored because ${why} (as keepalived does)`, 'track_file');
        continue;
      }
    }
    trackFiles.push({ name: x.name, weight, reverse: x.reverse ?? tf.weightReverse ?? false });
  }
  return { trackScripts, trackInterfaces, trackFiles };
}

/** GARP: instance values over the globals; lower-priority ones default to the master ones. */
function garpOf(r: RawInstance, strict: boolean, g: GlobalDefs): GarpSettings {
  const ov = r.garpOverrides;
  const ig: Mutable<GarpSettings> = { ...g.garp, ...ov };
  if (ov.masterRefresh === 0) delete ig.masterRefresh;
  if (!g.garpLowerDelaySet && ov.lowerPriorityDelay === undefined) ig.lowerPriorityDelay = strict ? 0 : ig.masterDelay;
  if (!g.garpLowerRepeatSet && ov.lowerPriorityRepeat === undefined) ig.lowerPriorityRepeat = strict ? 0 : ig.masterRepeat;
  return ig;
}

/** The model of one instance, or undefined when an error makes it unusable. */
export function completeInstance(r: RawInstance, c: CompleteCtx): VrrpInstance | undefined {
  const b = basics(r, c);
  const auth = authAndUnicast(r, b, c.t);
  const { vips, evips } = addresses(r, b, c.t);
  const { nopreempt, preemptDelay } = preemption(r, b, c.t);
  const tracks = tracking(r, b, c);
  const garp = garpOf(r, b.strict, c.globals);
  if (b.bad) return undefined;
  const users = Object.keys(r.users).length ? { users: r.users } : {};
  return {
    name: r.name,
    initialState: b.state,
    interface: r.iface!,
    vrid: r.vrid!,
    priority: b.priority,
    advertInt: b.advertInt,
    version: b.version,
    family: b.family,
    nopreempt,
    preemptDelay,
    ...(r.unicastSrcIp ? { unicastSrcIp: r.unicastSrcIp } : {}),
    unicastPeers: r.peers,
    ...(auth ? { auth } : {}),
    virtualAddresses: vips,
    virtualAddressesExcluded: evips,
    ...tracks,
    notify: { ...r.notify, ...users },
    checksumPseudoHeader: r.checksumPseudoHeader,
    garp,
    ...(r.dontTrackPrimary ? { dontTrackPrimary: true } : {}),
    pos: c.t.pos(r.stmt.args[0]!),
  };
}

/** Groups with members, keeping only the instances that made it into the model. */
export function syncGroupsOf(groups: readonly RawGroup[], instances: readonly VrrpInstance[], t: MapTools): VrrpSyncGroup[] {
  return groups
    .filter((g) => g.members.length)
    .map((g) => ({
      name: g.name,
      members: [...new Set(g.members.map((m) => m.name))].filter((n) => instances.some((x) => x.name === n)),
      notify: { ...g.notify, ...(Object.keys(g.users).length ? { users: g.users } : {}) },
      pos: t.pos(g.tok),
    }));
}
