// vrrp_instance rows (keepalived/vrrp/vrrp_parser.c). Each row fills the raw instance; the
// defaults and cross-checks of keepalived's vrrp_complete_instance run afterwards
// (instance-complete.ts), once every section has been read.

import { choiceHint, didYouMean } from '../diagnostics.js';
import type { GarpSettings, NotifyKind, NotifyScripts, ScriptUser, TrackRef, VirtualAddress } from '../model-vrrp.js';
import type { Token } from './lexer.js';
import { type TrackEntry, notifyRows, parseVip, trackEntries } from './kw-lists.js';
import { type KwRow, type KwTable, dispatch, ignored, supported, unsupported } from './kw-table.js';
import type { MapTools, Mutable } from './kw-tools.js';
import type { Stmt } from './parse.js';

export interface RawInstance {
  readonly name: string;
  readonly stmt: Stmt;
  state?: 'MASTER' | 'BACKUP';
  iface?: string;
  vrid?: number;
  priority?: number;
  advertMs?: number;
  advertTok?: Token;
  version?: 2 | 3;
  versionTok?: Token;
  family?: 4 | 6;
  familyTok?: Token;
  nopreempt: boolean;
  nopreemptTok?: Token;
  preemptDelay: number;
  preemptDelayTok?: Token;
  unicastSrcIp?: string;
  unicastConfigured: boolean;
  peers: string[];
  peersTok?: Token;
  authType?: 'PASS' | 'AH';
  authPass?: string;
  authTok?: Token;
  vips: VirtualAddress[];
  evips: VirtualAddress[];
  trackScripts: TrackEntry[];
  trackInterfaces: (TrackRef & { tok: Token })[];
  trackFiles: TrackEntry[];
  notify: Mutable<NotifyScripts>;
  users: { [K in NotifyKind]?: ScriptUser };
  checksumPseudoHeader: boolean;
  dontTrackPrimary: boolean;
  strict?: boolean;
  garpOverrides: Partial<Mutable<GarpSettings>>;
}

type Row = KwRow<RawInstance>;

/** One instance carries one address family: the first address decides, a later other one is an error. */
function setFamily(r: RawInstance, f: 4 | 6, tok: Token, what: string, t: MapTools): boolean {
  if (r.family === undefined) {
    r.family = f;
    r.familyTok = tok;
    return true;
  }
  if (r.family !== f) {
    t.err(tok, `${what} is IPv${f} but the instance is IPv${r.family} (from ${r.familyTok!.file}:${r.familyTok!.line}); one instance carries one family`, undefined, what);
    return false;
  }
  return true;
}

export const AUTHENTICATION: KwTable<RawInstance> = {
  scope: 'authentication',
  blockCheck: 'all',
  rows: [
    supported('auth_type', (a, r, t) => {
      if (!t.needArgs(a, 1, 'PASS or AH')) return;
      const v = a.args[0]!.text;
      if (v === 'PASS') r.authType = 'PASS';
      else if (v === 'AH') {
        r.authType = 'AH';
        t.err(a.args[0]!, 'IPsec AH authentication is not supported by halb (removed from VRRP by RFC 3768); use PASS or none', undefined, 'auth_type');
      } else t.err(a.args[0]!, `unknown authentication type '${v}'`, choiceHint(v, ['PASS', 'AH']), 'auth_type');
    }),
    supported('auth_pass', (a, r, t) => {
      if (!t.needArgs(a, 1, 'a password')) return;
      let p = a.args[0]!.text;
      if (p.length > 8) {
        t.warn(a.args[0]!, 'only the first 8 characters of auth_pass are used (as keepalived does)', 'auth_pass');
        p = p.slice(0, 8);
      }
      r.authPass = p;
    }),
  ],
};

const garpRow = (name: string, key: keyof GarpSettings, max: number, scale = 1): Row =>
  supported(name, (s, r, t) => {
    const v = t.int(s, 0, 0, max);
    if (v !== undefined) r.garpOverrides[key] = v * scale;
  });

const STATE_AND_TIMING: Row[] = [
  supported('state', (s, r, t) => {
    if (!t.needArgs(s, 1, 'MASTER or BACKUP')) return;
    const v = s.args[0]!.text;
    if (v === 'MASTER') r.state = 'MASTER';
    else if (v === 'BACKUP') {
      if (r.state === 'MASTER') t.warn(s.args[0]!, 'state previously set as MASTER; BACKUP ignored (as keepalived does)', 'state');
      else r.state = 'BACKUP';
    } else t.err(s.args[0]!, `unknown state '${v}'`, choiceHint(v, ['MASTER', 'BACKUP']), 'state');
  }),
  supported('interface', (s, r, t) => {
    if (!t.needArgs(s, 1, 'an interface name')) return;
    const a = s.args[0]!;
    if (a.text.length > 15) t.err(a, `interface name '${a.text}' is longer than 15 characters`, undefined, 'interface');
    else if (a.text === 'lo') t.err(a, 'cannot use a loopback interface for VRRP', undefined, 'interface');
    else r.iface = a.text;
  }),
  supported('virtual_router_id', (s, r, t) => {
    const v = t.int(s, 0, 1, 255);
    if (v !== undefined) r.vrid = v;
  }),
  supported('priority', (s, r, t) => {
    const v = t.int(s, 0, 1, 255);
    if (v !== undefined) r.priority = v;
  }),
  supported('advert_int', (s, r, t) => {
    const v = t.seconds(s, 0, 0.01, 255);
    if (v === undefined) return;
    if (v <= 0) t.err(s.args[0]!, 'advert_int must be > 0', undefined, 'advert_int');
    else {
      r.advertMs = v;
      r.advertTok = s.args[0]!;
    }
  }),
  supported('version', (s, r, t) => {
    const v = t.int(s, 0, 2, 3);
    if (v !== undefined) {
      r.version = v as 2 | 3;
      r.versionTok = s.args[0]!;
    }
  }),
  supported('nopreempt', (s, r) => {
    r.nopreempt = true;
    r.nopreemptTok = s.keyword;
  }),
  supported('preempt', (_s, r) => {
    r.nopreempt = false;
  }),
  supported('preempt_delay', (s, r, t) => {
    const v = t.seconds(s, 0, 0, 1000);
    if (v !== undefined) {
      r.preemptDelay = v;
      r.preemptDelayTok = s.keyword;
    }
  }),
];

const ADDRESSES: Row[] = [
  supported('unicast_src_ip', (s, r, t) => {
    if (!t.needArgs(s, 1, 'an address')) return;
    r.unicastConfigured = true;
    const ip = t.parseIp(s.args[0]!, 'unicast_src_ip');
    if (ip && setFamily(r, ip.family, s.args[0]!, 'unicast_src_ip', t)) r.unicastSrcIp = ip.addr;
  }),
  supported(
    'unicast_peer',
    (s, r, t) => {
      const kw = 'unicast_peer';
      r.unicastConfigured = true;
      r.peersTok = s.keyword;
      for (const p of t.needBlock(s)) {
        t.noBlock(p);
        const ip = t.parseIp(p.keyword, kw);
        if (!ip) continue;
        if (!setFamily(r, ip.family, p.keyword, kw, t)) continue;
        if (r.peers.includes(ip.addr)) {
          t.warn(p.keyword, `duplicate unicast peer ${ip.addr} ignored`, kw);
          continue;
        }
        for (let i = 0; i < p.args.length; i += 2) {
          const o = p.args[i]!;
          if (o.text === 'min_ttl' || o.text === 'max_ttl') t.warn(o, `'${o.text}' is not supported by halb; ignored`, kw);
          else t.err(o, `unknown unicast_peer option '${o.text}'`, didYouMean(o.text, ['min_ttl', 'max_ttl']), kw);
        }
        r.peers.push(ip.addr);
      }
    },
    true,
  ),
  supported(
    'authentication',
    (s, r, t) => {
      r.authTok = s.keyword;
      dispatch(AUTHENTICATION, t.needBlock(s), r, t, 'authentication');
    },
    true,
  ),
  supported(
    'virtual_ipaddress',
    (s, r, t) => {
      for (const e of t.needBlock(s)) {
        const v = parseVip(e, 'virtual_ipaddress', t);
        if (v && setFamily(r, v.family, e.keyword, 'virtual_ipaddress', t)) r.vips.push(v);
      }
    },
    true,
  ),
  supported(
    'virtual_ipaddress_excluded',
    (s, r, t) => {
      for (const e of t.needBlock(s)) {
        const v = parseVip(e, 'virtual_ipaddress_excluded', t);
        if (v) r.evips.push(v);
      }
    },
    true,
  ),
];

const TRACKING_AND_NOTIFY: Row[] = [
  supported(
    'track_script',
    (s, r, t) => {
      r.trackScripts.push(...trackEntries(s, t, -253, 253, true));
    },
    true,
  ),
  supported(
    'track_interface',
    (s, r, t) => {
      for (const e of trackEntries(s, t, -253, 253, false)) {
        if (e.name.length > 15) t.err(e.tok, `interface name '${e.name}' is longer than 15 characters`, undefined, 'track_interface');
        r.trackInterfaces.push({ name: e.name, weight: e.weight ?? 0, reverse: e.reverse ?? false, tok: e.tok });
      }
    },
    true,
  ),
  supported(
    'track_file',
    (s, r, t) => {
      r.trackFiles.push(...trackEntries(s, t, -254, 254, true));
    },
    true,
  ),
  ...notifyRows<RawInstance>(),
];

const GARP_AND_MODES: Row[] = [
  garpRow('garp_master_delay', 'masterDelay', 86400, 1000),
  garpRow('garp_master_repeat', 'masterRepeat', 1_000_000),
  garpRow('garp_master_refresh', 'masterRefresh', 86400, 1000),
  garpRow('garp_master_refresh_repeat', 'masterRefreshRepeat', 1_000_000),
  garpRow('garp_lower_prio_delay', 'lowerPriorityDelay', 86400, 1000),
  garpRow('garp_lower_prio_repeat', 'lowerPriorityRepeat', 1_000_000),
  supported('native_ipv6', (s, r, t) => {
    if (r.family === 4) t.err(s.keyword, 'cannot use native_ipv6 with IPv4 addresses');
    else {
      r.family = 6;
      r.familyTok = s.keyword;
    }
  }),
  supported('dont_track_primary', (_s, r) => {
    r.dontTrackPrimary = true;
  }),
  supported('old_unicast_checksum', (s, r, t) => {
    // keepalived <= 1.3.6 computed the v3 checksum without the pseudo-header.
    r.checksumPseudoHeader = false;
    const a = s.args[0];
    if (a && a.text !== 'never') t.err(a, `unknown option '${a.text}'`, didYouMean(a.text, ['never']), 'old_unicast_checksum');
  }),
  supported('strict_mode', (s, r, t) => {
    const v = t.bool(s, 0, true);
    if (v !== undefined) r.strict = v;
  }),
];

/** Accepted without effect in halb. */
const NO_EFFECT = ['smtp_alert', 'debug', 'skip_check_adv_addr', 'promote_secondaries', 'notify_priority_changes', 'kernel_rx_buf_size', 'linkbeat_use_polling', 'check_unicast_src', 'accept'];
/** Change keepalived's behaviour in ways halb does not reproduce: warned. */
const NOT_REPRODUCED = [
  'use_vmac',
  'use_vmac_addr',
  'vmac_xmit_base',
  'use_ipvlan',
  'vrf',
  'mcast_src_ip',
  'mcast_dst_ip',
  'unicast_ttl',
  'track_src_ip',
  'virtual_routes',
  'virtual_rules',
  'track_process',
  'track_bfd',
  'lvs_sync_daemon_interface',
  'notify_deleted',
  'notify_master_rx_lower_pri',
  'down_timer_adverts',
  'lower_prio_no_advert',
  'higher_prio_send_advert',
  'garp_extra_if',
  'vmac_garp_intvl',
  'no_accept',
  'unicast_fault_no_peer',
];

// The row order is the did-you-mean order (the first of equally near keys wins).
export const VRRP_INSTANCE: KwTable<RawInstance> = {
  scope: 'vrrp_instance',
  blockCheck: 'known',
  rows: [
    ...STATE_AND_TIMING,
    ...ADDRESSES,
    ...TRACKING_AND_NOTIFY,
    ...GARP_AND_MODES,
    ...ignored<RawInstance>(NO_EFFECT),
    ...unsupported<RawInstance>(NOT_REPRODUCED, undefined, ['virtual_routes', 'virtual_rules', 'track_process', 'track_bfd']),
  ],
};

export function mapInstance(s: Stmt, raws: RawInstance[], t: MapTools): void {
  const nameTok = s.args[0];
  if (!nameTok) {
    t.err(s.keyword, 'needs a name');
    return;
  }
  if (raws.some((r) => r.name === nameTok.text)) {
    t.err(nameTok, `vrrp_instance '${nameTok.text}' is defined twice`, undefined, 'vrrp_instance');
    return;
  }
  const r: RawInstance = {
    name: nameTok.text,
    stmt: s,
    nopreempt: false,
    preemptDelay: 0,
    unicastConfigured: false,
    peers: [],
    vips: [],
    evips: [],
    trackScripts: [],
    trackInterfaces: [],
    trackFiles: [],
    notify: {},
    users: {},
    checksumPseudoHeader: true,
    dontTrackPrimary: false,
    garpOverrides: {},
  };
  dispatch(VRRP_INSTANCE, t.needBlock(s), r, t, `vrrp_instance '${nameTok.text}'`);
  raws.push(r);
}
