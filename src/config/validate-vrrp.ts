// Cross-checks of the VRRP part of the model that no single line can make: names that must be
// unique or exist, one VRID per interface and family, address families and versions that fit,
// sync-group membership. Run once on the model for every source format (halb.yaml and
// keepalived.conf), as validate.ts does for the load balancer; the Locator turns model paths
// into file:line and the format's directive names. Pure module.
import { didYouMean, type Diagnostics } from './diagnostics.js';
import type { Locator } from './locate.js';
import type { SourcePos } from './model.js';
import type { VrrpConfig } from './model-vrrp.js';
import { ipFamily } from './address.js';

/** How the source format names things in messages (halb.yaml's keys by default). */
export interface VrrpTerms {
  readonly instance: string;
  readonly vrid: string;
}

const YAML_TERMS: VrrpTerms = { instance: 'instance', vrid: 'vrid' };

export function validateVrrp(v: VrrpConfig, diags: Diagnostics, locate: Locator, terms: VrrpTerms = YAML_TERMS): void {
  const err = (path: (string | number)[], message: string, hint?: string): void => {
    const at = locate(path);
    diags.error(at.pos.file, at.pos.line, message, { ...(at.pos.col !== undefined ? { col: at.pos.col } : {}), ...(at.directive ? { directive: at.directive } : {}), ...(hint ? { hint } : {}) });
  };
  const where = (path: (string | number)[]): string => {
    const p = locate(path).pos;
    return `${p.file}:${p.line}`;
  };
  const dup = (items: readonly { name: string }[], key: string, what: string): void => {
    const seen = new Set<string>();
    items.forEach((it, i) => {
      if (seen.has(it.name)) err(['vrrp', key, i], `duplicate ${what} '${it.name}'`);
      seen.add(it.name);
    });
  };
  dup(v.scripts, 'scripts', 'script');
  dup(v.trackFiles, 'trackFiles', 'track file');
  dup(v.instances, 'instances', 'instance');
  dup(v.syncGroups, 'syncGroups', 'sync group');

  const scripts = new Set(v.scripts.map((s) => s.name));
  const files = new Set(v.trackFiles.map((s) => s.name));
  v.instances.forEach((inst, i) => {
    const base = ['vrrp', 'instances', i];
    // One VRID per interface and address family (RFC 5798 §5.2: the VRID names the router on
    // its LAN), except unicast instances with disjoint peer lists: their adverts never reach
    // each other, and keepalived allows them ("allow duplication of VRIDs on an interface
    // with unicast peers"). Same VRID on another interface or family is fine.
    for (let j = 0; j < i; j++) {
      const other = v.instances[j]!;
      if (other.vrid !== inst.vrid || other.interface !== inst.interface || other.family !== inst.family) continue;
      const bothUnicast = inst.unicastPeers.length > 0 && other.unicastPeers.length > 0;
      if (bothUnicast && !inst.unicastPeers.some((p) => other.unicastPeers.includes(p))) continue;
      err([...base, 'vrid'], `${terms.vrid} ${inst.vrid} on ${inst.interface} (IPv${inst.family}) is already used by ${terms.instance} '${other.name}' (${where(['vrrp', 'instances', j, 'vrid'])})`);
      break;
    }
    inst.trackScripts.forEach((t, j) => {
      if (!scripts.has(t.name)) err([...base, 'trackScripts', j], `script '${t.name}' is not defined in vrrp.scripts`, didYouMean(t.name, scripts));
    });
    inst.trackFiles.forEach((t, j) => {
      if (!files.has(t.name)) err([...base, 'trackFiles', j], `track file '${t.name}' is not defined in vrrp.trackFiles`, didYouMean(t.name, files));
    });
    inst.virtualAddresses.forEach((a, j) => {
      if (a.family !== inst.family) err([...base, 'virtualAddresses', j], `IPv${a.family} address in an IPv${inst.family} instance (keepalived needs one family per instance)`);
    });
    if (inst.family === 6 && inst.version === 2) err([...base, 'version'], 'VRRP version 2 does not carry IPv6; use version 3');
    if (inst.version === 2 && inst.advertInt % 1000 !== 0) err([...base, 'advertInt'], 'VRRPv2 advertises in whole seconds; use version 3 for sub-second intervals');
    if (inst.version === 3 && inst.advertInt % 10 !== 0) err([...base, 'advertInt'], 'VRRPv3 advertises in centiseconds');
    if (inst.version === 3 && inst.auth) err([...base, 'auth'], 'VRRPv3 has no authentication (RFC 5798 §9)');
    if (inst.unicastSrcIp !== undefined && ipFamily(inst.unicastSrcIp) !== inst.family) err([...base, 'unicastSrcIp'], `unicastSrcIp is not IPv${inst.family}`);
    inst.unicastPeers.forEach((p, j) => {
      if (ipFamily(p) !== inst.family) err([...base, 'unicastPeers', j], `unicast peer ${p} is not IPv${inst.family}`);
    });
  });
  const names = new Set(v.instances.map((i) => i.name));
  const member = new Map<string, string>();
  v.syncGroups.forEach((g, i) => {
    g.members.forEach((m, j) => {
      if (!names.has(m)) err(['vrrp', 'syncGroups', i, 'members', j], `instance '${m}' does not exist`, didYouMean(m, names));
      const prev = member.get(m);
      if (prev) err(['vrrp', 'syncGroups', i, 'members', j], `instance '${m}' is already in sync group '${prev}'`);
      member.set(m, g.name);
    });
  });
}

/**
 * A Locator over the model's own positions (for formats without a path table, such as
 * keepalived.conf): the `pos` of the deepest object on the path, and the directive that the
 * path's last key names in that format.
 */
export function modelLocator(v: VrrpConfig, fallback: SourcePos, directives: Readonly<Record<string, string>> = {}): Locator {
  return (path) => {
    let node: unknown = { vrrp: v };
    let pos: SourcePos = fallback;
    let directive: string | undefined;
    for (const key of path) {
      if (node === null || typeof node !== 'object') break;
      node = (node as Record<string | number, unknown>)[key];
      const p = (node as { pos?: SourcePos } | undefined)?.pos;
      if (p && typeof p === 'object') pos = p;
      if (typeof key === 'string' && directives[key]) directive = directives[key];
    }
    return { pos, ...(directive ? { directive } : {}) };
  };
}
