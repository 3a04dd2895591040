// Renders a keepalived.conf for the lab's VRRP nodes from a small spec, pure. The same file is
// given to every node software (keepalived itself, and `halb run --keepalived`), which is what
// "identical settings" means in the failover bench.

export interface VrrpScriptSpec {
  readonly name: string;
  /** Command line as keepalived runs it (no shell). */
  readonly script: string;
  /** Seconds. */
  readonly interval: number;
  readonly weight?: number;
  readonly fall?: number;
  readonly rise?: number;
  readonly timeout?: number;
}

export interface VrrpInstanceSpec {
  readonly name: string;
  readonly interface: string;
  readonly vrid: number;
  readonly priority: number;
  /** Seconds; fractional only with version 3. */
  readonly advertInt: number;
  readonly version: 2 | 3;
  readonly state?: 'MASTER' | 'BACKUP';
  /** Unicast instead of multicast: our source address and the peers'. */
  readonly unicast?: { readonly src: string; readonly peers: readonly string[] };
  /** `authentication { auth_type PASS auth_pass … }` (VRRPv2 only in keepalived). */
  readonly authPass?: string;
  /** Addresses with prefix, e.g. "10.77.0.100/24". */
  readonly vips: readonly string[];
  readonly nopreempt?: boolean;
  readonly preemptDelay?: number;
  readonly trackScripts?: readonly string[];
}

export interface VrrpNodeConfig {
  readonly routerId: string;
  readonly scripts?: readonly VrrpScriptSpec[];
  readonly instances: readonly VrrpInstanceSpec[];
}

export function validateNodeConfig(c: VrrpNodeConfig): string[] {
  const errs: string[] = [];
  const names = new Set((c.scripts ?? []).map((s) => s.name));
  for (const i of c.instances) {
    const at = `vrrp_instance ${i.name}`;
    if (!/^[\w.-]+$/.test(i.name)) errs.push(`${at}: bad name`);
    if (!Number.isInteger(i.vrid) || i.vrid < 1 || i.vrid > 255) errs.push(`${at}: vrid ${i.vrid} not in 1-255`);
    if (!Number.isInteger(i.priority) || i.priority < 1 || i.priority > 255) errs.push(`${at}: priority ${i.priority} not in 1-255`);
    if (!(i.advertInt > 0)) errs.push(`${at}: advert_int must be > 0`);
    if (i.version === 2 && !Number.isInteger(i.advertInt)) errs.push(`${at}: fractional advert_int needs version 3`);
    if (i.vips.length === 0) errs.push(`${at}: no virtual_ipaddress`);
    if (i.authPass !== undefined && (i.authPass.length === 0 || i.authPass.length > 8 || /\s/.test(i.authPass))) errs.push(`${at}: auth_pass must be 1-8 characters without spaces`);
    // keepalived ignores authentication with VRRPv3 (RFC 5798 removed it) and only warns.
    if (i.authPass !== undefined && i.version === 3) errs.push(`${at}: authentication needs version 2`);
    if (i.nopreempt && i.state === 'MASTER') errs.push(`${at}: nopreempt needs state BACKUP`);
    for (const t of i.trackScripts ?? []) if (!names.has(t)) errs.push(`${at}: track_script ${t} is not defined`);
  }
  return errs;
}

export function renderKeepalivedConf(c: VrrpNodeConfig): string {
  const errs = validateNodeConfig(c);
  if (errs.length) throw new Error(`invalid lab VRRP config: ${errs.join('; ')}`);
  const L: string[] = [];
  L.push('# written by the halb lab', 'global_defs {', `    router_id ${c.routerId}`, '    enable_script_security', '    script_user root', '}', '');
  for (const s of c.scripts ?? []) {
    L.push(`vrrp_script ${s.name} {`, `    script "${s.script}"`, `    interval ${s.interval}`);
    if (s.timeout !== undefined) L.push(`    timeout ${s.timeout}`);
    if (s.weight !== undefined) L.push(`    weight ${s.weight}`);
    if (s.fall !== undefined) L.push(`    fall ${s.fall}`);
    if (s.rise !== undefined) L.push(`    rise ${s.rise}`);
    L.push('}', '');
  }
  for (const i of c.instances) {
    L.push(`vrrp_instance ${i.name} {`);
    L.push(`    state ${i.state ?? 'BACKUP'}`, `    interface ${i.interface}`, `    virtual_router_id ${i.vrid}`);
    L.push(`    priority ${i.priority}`, `    advert_int ${i.advertInt}`, `    version ${i.version}`);
    if (i.nopreempt) L.push('    nopreempt');
    if (i.preemptDelay !== undefined) L.push(`    preempt_delay ${i.preemptDelay}`);
    if (i.unicast) {
      L.push(`    unicast_src_ip ${i.unicast.src}`, '    unicast_peer {');
      for (const p of i.unicast.peers) L.push(`        ${p}`);
      L.push('    }');
    }
    if (i.authPass !== undefined) L.push('    authentication {', '        auth_type PASS', `        auth_pass ${i.authPass}`, '    }');
    L.push('    virtual_ipaddress {');
    for (const v of i.vips) L.push(`        ${v} dev ${i.interface}`);
    L.push('    }');
    if (i.trackScripts?.length) {
      L.push('    track_script {');
      for (const t of i.trackScripts) L.push(`        ${t}`);
      L.push('    }');
    }
    L.push('}', '');
  }
  return L.join('\n');
}

/** keepalived's master_down_interval (RFC 3768 §6.1, RFC 5798 §6.1): 3 × advert + skew, in ms. */
export function masterDownIntervalMs(advertIntS: number, priority: number): number {
  const skew = ((256 - priority) * advertIntS) / 256;
  return (3 * advertIntS + skew) * 1000;
}
