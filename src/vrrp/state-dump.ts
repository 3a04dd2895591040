// keepalived's state dump files, written on SIGUSR1 (`keepalived.data`) and SIGUSR2
// (`keepalived.stats`). Liveness probes and scripts written for keepalived read them, e.g.
// OpenShift on-prem's static pod: `kill -USR1 $(pidof keepalived); grep -q "State = FAULT"
// /tmp/keepalived.data`. So the lines such tools match keep keepalived 2.2's exact spelling and
// indentation (section banners, `VRRP Instance = NAME`, three-space fields, `State = MASTER`,
// `Master router = …` on a backup, the stats file's nested counters). keepalived's many
// tuning lines that have no halb equivalent are left out rather than invented. Pure module.
import type { VrrpGlobals, VrrpInstance, VrrpScript } from '../config/model-vrrp.js';
import type { Phase } from './machine.js';
import type { InstanceCounters } from './runtime.js';

export interface DumpInstance {
  readonly cfg: VrrpInstance;
  readonly state: Phase;
  readonly effectivePriority: number;
  /** The last transition as keepalived prints a timeval (state-dump-file.ts keepalivedTime). */
  readonly lastTransition: string;
  /** As BACKUP: the master we follow. */
  readonly master?: { readonly address: string; readonly priority: number };
  /** Address the adverts are sent from. */
  readonly sourceIp?: string;
  /** Tracked scripts with the weight in force for this instance. */
  readonly trackScripts: readonly { readonly name: string; readonly weight: number }[];
  /** Tracked items (scripts, interfaces, files) currently failing. */
  readonly faults: number;
}

export interface DumpScript {
  readonly def: VrrpScript;
  /** keepalived's Status line: GOOD, BAD, or INIT before the first result. */
  readonly status: 'GOOD' | 'BAD' | 'INIT';
  readonly trackedBy: readonly { readonly instance: string; readonly weight: number }[];
}

export interface DumpInput {
  readonly globals: VrrpGlobals;
  readonly instances: readonly DumpInstance[];
  readonly scripts: readonly DumpScript[];
}

/** keepalived's state names (vrrp.h); a stopping master still holds its VIPs and adverts. */
export function keepalivedState(p: Phase): string {
  switch (p) {
    case 'INIT':
    case 'BACKUP':
    case 'MASTER':
    case 'FAULT':
      return p;
    case 'STOPPING':
      return 'MASTER';
    case 'STOPPED':
      return 'STOP';
    default: {
      const never: never = p;
      return never;
    }
  }
}

function interval(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} sec` : `${(ms / 1000).toFixed(2)} sec`;
}

export function keepalivedData(inp: DumpInput): string {
  const out: string[] = [];
  const w = (s: string): void => void out.push(s);
  w('------< Global definitions >------');
  if (inp.globals.routerId !== undefined) w(` Router ID = ${inp.globals.routerId}`);
  w(' VRRP IPv4 mcast group = 224.0.0.18');
  w(' VRRP IPv6 mcast group = ff02::12');
  w(` Gratuitous ARP delay = ${Math.round(inp.globals.garp.masterDelay / 1000)}`);
  w(` Gratuitous ARP repeat = ${inp.globals.garp.masterRepeat}`);
  w(` Script security ${inp.globals.enableScriptSecurity ? 'enabled' : 'disabled'}`);
  w('------< VRRP Topology >------');
  for (const i of inp.instances) {
    const c = i.cfg;
    w(` VRRP Instance = ${c.name}`);
    w(`   VRRP Version = ${c.version}`);
    if (c.family === 6) w('   Using Native IPv6');
    w(`   State = ${keepalivedState(i.state)}`);
    if (i.state === 'BACKUP' && i.master) {
      w(`   Master router = ${i.master.address}`);
      w(`   Master priority = ${i.master.priority}`);
    }
    w(`   Wantstate = ${c.initialState}`);
    w(`   Number of interface and track script faults = ${i.faults}`);
    w(`   Last transition = ${i.lastTransition}`);
    w(`   Interface = ${c.interface}`);
    if (i.sourceIp !== undefined) w(`   Using src_ip = ${i.sourceIp}`);
    if (c.unicastPeers.length > 0) {
      w('   Unicast Peer :');
      for (const p of c.unicastPeers) w(`     ${p}`);
    } else w(`   Multicast address ${c.family === 6 ? 'ff02::12' : '224.0.0.18'}`);
    w(`   Virtual Router ID = ${c.vrid}`);
    w(`   Priority = ${c.priority}`);
    w(`   Effective priority = ${i.effectivePriority}`);
    w(`   Advert interval = ${interval(c.advertInt)}`);
    w(`   Preempt = ${c.nopreempt ? 'disabled' : 'enabled'}`);
    if (c.preemptDelay > 0) w(`   Preempt delay = ${c.preemptDelay / 1000} secs`);
    w(`   Authentication type = ${c.auth ? 'SIMPLE_PASSWORD' : 'none'}`);
    // keepalived prints the password too; a dump file is 0600, but halb keeps secrets out of it.
    const vips = c.virtualAddresses;
    w(`   Virtual IP (${vips.length}):`);
    for (const v of vips)
      w(
        `     ${v.address.includes('/') ? v.address : `${v.address}/${v.prefix}`} dev ${v.dev ?? c.interface} scope ${v.scope ?? 'global'}${i.state === 'MASTER' || i.state === 'STOPPING' ? ' set' : ''}`,
      );
    if (i.trackScripts.length > 0) {
      w('   Tracked scripts :');
      for (const t of i.trackScripts) w(`     ${t.name} weight ${t.weight}`);
    }
  }
  if (inp.scripts.length > 0) {
    w('------< VRRP Scripts >------');
    for (const s of inp.scripts) {
      w(` VRRP Script = ${s.def.name}`);
      w(
        `   Command = ${s.def.script
          .split(/\s+/)
          .map((a) => `'${a}'`)
          .join(' ')}`,
      );
      w(`   Interval = ${interval(s.def.interval)}`);
      w(`   Timeout = ${interval(s.def.timeout ?? 0)}`);
      w(`   Weight = ${s.def.weight}${s.def.weightReverse ? ' reverse' : ''}`);
      w(`   Rise = ${s.def.rise}`);
      w(`   Fall = ${s.def.fall}`);
      w(`   Status = ${s.status}`);
      w('   Tracking instances :');
      for (const t of s.trackedBy) w(`     ${t.instance}, weight ${t.weight}`);
    }
  }
  return out.join('\n') + '\n';
}

/** The per-instance counters keepalived's stats file shows, in its order. */
export interface DumpStats {
  readonly name: string;
  readonly received: number;
  readonly sent: number;
  readonly becameMaster: number;
  readonly releasedMaster: number;
  readonly lengthErrors: number;
  readonly ttlErrors: number;
  readonly invalidType: number;
  readonly advertIntervalErrors: number;
  readonly addressListErrors: number;
  readonly authInvalidType: number;
  readonly authTypeMismatch: number;
  readonly authFailure: number;
  readonly priorityZeroReceived: number;
  readonly priorityZeroSent: number;
}

export function keepalivedStats(stats: readonly DumpStats[]): string {
  const out: string[] = [];
  for (const s of stats) {
    out.push(
      `VRRP Instance: ${s.name}`,
      '  Advertisements:',
      `    Received: ${s.received}`,
      `    Sent: ${s.sent}`,
      `  Became master: ${s.becameMaster}`,
      `  Released master: ${s.releasedMaster}`,
      '  Packet Errors:',
      `    Length: ${s.lengthErrors}`,
      `    TTL: ${s.ttlErrors}`,
      `    Invalid Type: ${s.invalidType}`,
      `    Advertisement Interval: ${s.advertIntervalErrors}`,
      `    Address List: ${s.addressListErrors}`,
      '  Authentication Errors:',
      `    Invalid Type: ${s.authInvalidType}`,
      `    Type Mismatch: ${s.authTypeMismatch}`,
      `    Failure: ${s.authFailure}`,
      '  Priority Zero:',
      `    Received: ${s.priorityZeroReceived}`,
      `    Sent: ${s.priorityZeroSent}`,
    );
  }
  return out.join('\n') + '\n';
}

/** keepalived's stats from halb's per-instance counters (runtime.ts), reason by reason. */
export function dumpStats(name: string, c: InstanceCounters): DumpStats {
  const r = c.rxRejected;
  let became = 0;
  let released = 0;
  for (const [k, n] of Object.entries(c.transitions)) {
    const [from, to] = k.split('->');
    if (to === 'MASTER') became += n;
    if (from === 'MASTER') released += n;
  }
  return {
    name,
    received: c.rxAccepted,
    sent: c.txAdverts,
    becameMaster: became,
    releasedMaster: released,
    lengthErrors: r.short + r.truncated + r['bad-length'],
    ttlErrors: r.ttl,
    invalidType: r['bad-type'],
    advertIntervalErrors: r['advert-interval'],
    addressListErrors: r['address-count'] + r['address-list'],
    // keepalived's "Invalid Type" is an auth type it does not know; halb's codec refuses those
    // as a type mismatch, so that line stays 0.
    authInvalidType: 0,
    authTypeMismatch: r['auth-type'],
    authFailure: r.auth,
    priorityZeroReceived: c.rxPriorityZero,
    priorityZeroSent: c.txPriorityZero,
  };
}
