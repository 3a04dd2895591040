// Cross-reference checks of the `vrrp:` section of halb.yaml (keepalived.conf has its own
// loader). Pure module.
import { didYouMean, type Diagnostics } from '../diagnostics.js';
import type { Locator } from '../locate.js';
import type { VrrpConfig } from '../model-vrrp.js';
import { ipFamily } from '../address.js';

export function validateVrrp(v: VrrpConfig, diags: Diagnostics, locate: Locator): void {
  const err = (path: (string | number)[], message: string, hint?: string): void => {
    const at = locate(path);
    diags.error(at.pos.file, at.pos.line, message, { ...(at.pos.col !== undefined ? { col: at.pos.col } : {}), directive: at.directive!, ...(hint ? { hint } : {}) });
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
  const ids = new Map<string, string>();
  v.instances.forEach((inst, i) => {
    const base = ['vrrp', 'instances', i];
    // RFC 5798 §5.2: one VRID per interface and address family.
    const key = `${inst.interface}|${inst.vrid}|${inst.family}`;
    const other = ids.get(key);
    if (other) err([...base, 'vrid'], `vrid ${inst.vrid} on ${inst.interface} (IPv${inst.family}) is already used by instance '${other}'`);
    else ids.set(key, inst.name);
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
