// keepalived.conf statement tree -> VrrpConfig. Defaults and checks follow keepalived 2.2.7
// (keepalived/vrrp/vrrp_parser.c, vrrp_data.c, vrrp.c vrrp_complete_instance). Where keepalived
// logs a config error and carries on with a corrected value, halb does the same and says so
// as a warning; where keepalived drops the item or the value cannot mean anything, it is an
// error. Directives outside halb's scope are warnings (they change behaviour) or notes
// (logging, e-mail, process tuning) naming file:line.

import ipaddr from 'ipaddr.js';
import { type Diagnostics, choiceHint, didYouMean } from '../diagnostics.js';
import type { SourcePos } from '../model.js';
import {
  DEFAULT_GARP,
  type GarpSettings,
  type NotifyKind,
  type NotifyScripts,
  type ScriptUser,
  type TrackRef,
  type VirtualAddress,
  type VrrpConfig,
  type VrrpInstance,
  type VrrpScript,
  type VrrpSyncGroup,
  type VrrpTrackFile,
} from '../model-vrrp.js';
import { splitCommandLine } from './command-line.js';
import type { Token } from './lexer.js';
import type { Stmt } from './parse.js';
import { modelLocator, validateVrrp } from '../validate-vrrp.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// ---- keyword tables (also the did-you-mean vocabularies) ----

const TOP_SUPPORTED = ['global_defs', 'vrrp_script', 'vrrp_instance', 'vrrp_sync_group', 'track_file', 'vrrp_track_file'] as const;
/** Top-level sections halb does not implement: warned and skipped. */
const TOP_OUT_OF_SCOPE = [
  'virtual_server', 'virtual_server_group', 'vrrp_track_process', 'static_ipaddress', 'static_routes', 'static_rules',
  'bfd_instance', 'garp_group', 'linkbeat_interfaces', 'track_group', 'interface_up_down_delays', 'net_namespace',
  'net_namespace_ipvs', 'namespace_with_ipsets', 'instance', 'use_pid_dir', 'linkbeat_use_polling', 'child_wait_time',
] as const;

const GLOBAL_SUPPORTED = [
  'router_id', 'enable_script_security', 'script_user', 'vrrp_garp_master_delay', 'vrrp_garp_master_repeat',
  'vrrp_garp_master_refresh', 'vrrp_garp_master_refresh_repeat', 'vrrp_garp_lower_prio_delay', 'vrrp_garp_lower_prio_repeat',
  'vrrp_garp_interval', 'vrrp_gna_interval', 'vrrp_version', 'vrrp_strict', 'vrrp_min_garp', 'vrrp_mcast_group4', 'vrrp_mcast_group6',
] as const;
/** Accepted and without effect on VRRP behaviour (mail, SNMP, process tuning, LVS). */
const GLOBAL_NOTE = [
  'notification_email', 'notification_email_from', 'smtp_server', 'smtp_helo_name', 'smtp_connect_timeout', 'smtp_alert',
  'smtp_alert_vrrp', 'smtp_alert_checker', 'checker_log_all_failures', 'no_email_faults', 'lvs_sync_daemon', 'lvs_timeouts',
  'lvs_flush', 'lvs_flush_on_stop', 'max_auto_priority', 'min_auto_priority_delay', 'vrrp_priority', 'checker_priority',
  'bfd_priority', 'vrrp_no_swap', 'checker_no_swap', 'bfd_no_swap', 'vrrp_cpu_affinity', 'checker_cpu_affinity',
  'bfd_cpu_affinity', 'vrrp_rt_priority', 'checker_rt_priority', 'bfd_rt_priority', 'vrrp_rlimit_rttime',
  'checker_rlimit_rttime', 'bfd_rlimit_rttime', 'snmp_socket', 'enable_snmp_vrrp', 'enable_snmp_checker', 'enable_snmp_rfc',
  'enable_snmp_rfcv2', 'enable_snmp_rfcv3', 'enable_traps', 'enable_dbus', 'dbus_service_name', 'process_names',
  'process_name', 'vrrp_process_name', 'checker_process_name', 'bfd_process_name', 'dynamic_interfaces',
  'vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs_force', 'vrrp_netlink_monitor_rcv_bufs',
  'vrrp_netlink_monitor_rcv_bufs_force', 'lvs_netlink_cmd_rcv_bufs', 'lvs_netlink_cmd_rcv_bufs_force',
  'lvs_netlink_monitor_rcv_bufs', 'lvs_netlink_monitor_rcv_bufs_force', 'process_monitor_rcv_bufs',
  'process_monitor_rcv_bufs_force', 'vrrp_rx_bufs_policy', 'vrrp_rx_bufs_multiplier', 'rs_init_notifies',
  'no_checker_emails', 'umask', 'log_unknown_vrids', 'random_seed', 'reload_check_config', 'include_check',
  'reload_time_file', 'reload_repeat', 'reload_file', 'data_use_instance', 'tmp_config_directory', 'config_save_dir',
  'vrrp_skip_check_adv_addr', 'vrrp_notify_priority_changes', 'fifo_write_vrrp_states_on_reload', 'default_interface',
  'vmac_prefix', 'vmac_addr_prefix', 'disable_local_igmp', 'vrrp_check_unicast_src',
] as const;
/** Accepted but change behaviour halb does not reproduce: warned. */
const GLOBAL_WARN = [
  'vrrp_iptables', 'vrrp_ipsets', 'nftables', 'nftables_priority', 'nftables_counters', 'nftables_ifindex', 'nftables_ipvs',
  'nftables_ipvs_priority', 'nftables_ipvs_start_fwmark', 'vrrp_down_timer_adverts', 'vrrp_lower_prio_no_advert',
  'vrrp_higher_prio_send_advert', 'vrrp_garp_extra_if', 'vrrp_vmac_garp_intvl', 'notify_fifo', 'notify_fifo_script',
  'vrrp_notify_fifo', 'vrrp_notify_fifo_script', 'lvs_notify_fifo', 'lvs_notify_fifo_script', 'startup_script',
  'startup_script_timeout', 'shutdown_script', 'shutdown_script_timeout', 'vrrp_startup_delay', 'net_namespace',
  'net_namespace_ipvs', 'instance', 'use_pid_dir', 'linkbeat_use_polling', 'child_wait_time',
] as const;

const SCRIPT_KEYS = ['script', 'interval', 'timeout', 'weight', 'rise', 'fall', 'user', 'init_fail'] as const;
const TRACK_FILE_KEYS = ['file', 'weight', 'init_file'] as const;

const INSTANCE_SUPPORTED = [
  'state', 'interface', 'virtual_router_id', 'priority', 'advert_int', 'version', 'nopreempt', 'preempt', 'preempt_delay',
  'unicast_src_ip', 'unicast_peer', 'authentication', 'virtual_ipaddress', 'virtual_ipaddress_excluded', 'track_script',
  'track_interface', 'track_file', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify',
  'garp_master_delay', 'garp_master_repeat', 'garp_master_refresh', 'garp_master_refresh_repeat', 'garp_lower_prio_delay',
  'garp_lower_prio_repeat', 'native_ipv6', 'dont_track_primary', 'old_unicast_checksum', 'strict_mode',
] as const;
const INSTANCE_NOTE = [
  'smtp_alert', 'debug', 'skip_check_adv_addr', 'promote_secondaries', 'notify_priority_changes', 'kernel_rx_buf_size',
  'linkbeat_use_polling', 'check_unicast_src', 'accept',
] as const;
const INSTANCE_WARN = [
  'use_vmac', 'use_vmac_addr', 'vmac_xmit_base', 'use_ipvlan', 'vrf', 'mcast_src_ip', 'mcast_dst_ip', 'unicast_ttl',
  'track_src_ip', 'virtual_routes', 'virtual_rules', 'track_process', 'track_bfd', 'lvs_sync_daemon_interface',
  'notify_deleted', 'notify_master_rx_lower_pri', 'down_timer_adverts', 'lower_prio_no_advert', 'higher_prio_send_advert',
  'garp_extra_if', 'vmac_garp_intvl', 'no_accept', 'unicast_fault_no_peer',
] as const;

const SYNC_SUPPORTED = [
  'group', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify', 'track_interface', 'track_script',
  'track_file', 'sync_group_tracking_weight',
] as const;
const SYNC_NOTE = ['smtp_alert', 'global_tracking', 'notify_priority_changes'] as const;
const SYNC_WARN = ['track_process', 'track_bfd', 'notify_deleted'] as const;

const VIP_OPTS_WITH_ARG = new Set(['brd', 'dev', 'scope', 'label', 'peer', 'preferred_lft', 'track_group']);
const VIP_FLAGS = new Set(['home', '-nodad', 'mngtmpaddr', 'noprefixroute', 'autojoin', 'no_track', 'use_vmac']);
const SCOPES = new Set(['site', 'link', 'host', 'nowhere', 'global']);

/** Keepalived's maximum Ethernet MTU-based VIP count is capped at 255 by the 8-bit count field (vrrp.c). */
const DEFAULT_MTU = 1500;

interface RawInstance {
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
  trackScripts: { name: string; weight?: number; reverse?: boolean; tok: Token }[];
  trackInterfaces: (TrackRef & { tok: Token })[];
  trackFiles: { name: string; weight?: number; reverse?: boolean; tok: Token }[];
  notify: Mutable<NotifyScripts>;
  users: { [K in NotifyKind]?: ScriptUser };
  checksumPseudoHeader: boolean;
  dontTrackPrimary: boolean;
  strict?: boolean;
  garpOverrides: Partial<Mutable<GarpSettings>>;
}

export function mapKeepalived(stmts: readonly Stmt[], diags: Diagnostics): VrrpConfig | undefined {
  const errorsBefore = diags.errors().length;
  const pos = (t: Token): SourcePos => ({ file: t.file, line: t.line, col: t.col });
  const err = (t: Token, msg: string, hint?: string, directive?: string): void =>
    diags.error(t.file, t.line, msg, { col: t.col, directive: directive ?? t.text, ...(hint ? { hint } : {}) });
  const warn = (t: Token, msg: string, directive?: string): void =>
    diags.warning(t.file, t.line, msg, { col: t.col, directive: directive ?? t.text });
  const note = (t: Token, msg: string, directive?: string): void =>
    diags.note(t.file, t.line, msg, { col: t.col, directive: directive ?? t.text });

  const unknown = (s: Stmt, where: string, vocab: readonly string[]): void =>
    err(s.keyword, `unknown keyword in ${where}`, didYouMean(s.keyword.text, vocab));

  const needArgs = (s: Stmt, n: number, what: string): boolean => {
    if (s.args.length >= n) return true;
    err(s.keyword, `needs ${what}`);
    return false;
  };
  const noBlock = (s: Stmt): void => {
    if (s.block) err(s.keyword, 'takes no { } block');
  };
  const needBlock = (s: Stmt): readonly Stmt[] => {
    if (!s.block) {
      err(s.keyword, 'needs a { } block');
      return [];
    }
    return s.block;
  };

  const int = (s: Stmt, idx: number, min: number, max: number): number | undefined => {
    const t = s.args[idx];
    if (!t) {
      err(s.keyword, `needs an integer between ${min} and ${max}`);
      return undefined;
    }
    if (!/^[+-]?\d+$/.test(t.text)) {
      err(t, `'${t.text}' is not an integer (expected ${min}..${max})`, undefined, s.keyword.text);
      return undefined;
    }
    const v = Number(t.text);
    if (v < min || v > max) {
      err(t, `${v} is out of range ${min}..${max}`, undefined, s.keyword.text);
      return undefined;
    }
    return v;
  };
  /** keepalived <TIMER>/decimal seconds -> ms. */
  const seconds = (s: Stmt, idx: number, minSec: number, maxSec: number): number | undefined => {
    const t = s.args[idx];
    if (!t) {
      err(s.keyword, 'needs a time in seconds');
      return undefined;
    }
    if (!/^\d+(\.\d+)?$|^\.\d+$/.test(t.text)) {
      err(t, `'${t.text}' is not a time in seconds`, undefined, s.keyword.text);
      return undefined;
    }
    const v = Number(t.text);
    if (v < minSec || v > maxSec) {
      err(t, `${t.text} s is out of range ${minSec}..${maxSec}`, undefined, s.keyword.text);
      return undefined;
    }
    return Math.round(v * 1_000_000) / 1000;
  };
  const bool = (s: Stmt, idx: number, dflt: boolean): boolean | undefined => {
    const t = s.args[idx];
    if (!t) return dflt;
    const v = t.text.toLowerCase();
    if (['on', 'true', 'yes'].includes(v)) return true;
    if (['off', 'false', 'no'].includes(v)) return false;
    err(t, `'${t.text}' is not on|off|true|false|yes|no`, undefined, s.keyword.text);
    return undefined;
  };
  const scriptUser = (s: Stmt, idx: number): ScriptUser | undefined => {
    const u = s.args[idx];
    if (!u) return undefined;
    const g = s.args[idx + 1];
    if (s.args.length > idx + 2) warn(s.args[idx + 2]!, 'extra words after user and group are ignored', s.keyword.text);
    return g ? { user: u.text, group: g.text } : { user: u.text };
  };
  /** keepalived splits the line with quotes and escapes, then re-splits word 1 as the command (lib/notify.c). */
  const commandWords = (s: Stmt): string[] | undefined => {
    const r = splitCommandLine(s.rawArgs);
    if (!r.ok) {
      err(s.keyword, `cannot split command line: ${r.reason}`);
      return undefined;
    }
    if (!r.argv.length || !r.argv[0]) {
      err(s.keyword, 'needs a command');
      return undefined;
    }
    const inner = splitCommandLine(r.argv[0]);
    if (!inner.ok || !inner.argv.length) {
      err(s.keyword, `cannot split command '${r.argv[0]}': ${inner.ok ? 'empty' : inner.reason}`);
      return undefined;
    }
    return r.argv;
  };
  const parseIp = (t: Token, directive: string): { addr: string; family: 4 | 6 } | undefined => {
    if (!ipaddr.isValid(t.text)) {
      err(t, `'${t.text}' is not an IP address`, undefined, directive);
      return undefined;
    }
    const a = ipaddr.parse(t.text);
    return { addr: a.toString(), family: a.kind() === 'ipv4' ? 4 : 6 };
  };

  // ---------------- global_defs ----------------
  let routerId: string | undefined;
  let enableScriptSecurity = false;
  let globalScriptUser: ScriptUser | undefined;
  const garp: Mutable<GarpSettings> = { ...DEFAULT_GARP };
  let garpLowerDelaySet = false, garpLowerRepeatSet = false;
  let globalVersion: 2 | 3 = 2;
  let globalStrict = false;
  let minGarp = false;
  const explicitGarp = new Set<string>();

  const mapGlobals = (s: Stmt): void => {
    for (const g of needBlock(s)) {
      const k = g.keyword.text;
      switch (k) {
        case 'router_id':
          if (needArgs(g, 1, 'a name')) routerId = g.args[0]!.text;
          break;
        case 'enable_script_security':
          enableScriptSecurity = true;
          break;
        case 'script_user':
          if (needArgs(g, 1, 'a user name')) globalScriptUser = scriptUser(g, 0);
          break;
        case 'vrrp_garp_master_delay': {
          const v = int(g, 0, 0, 86400);
          if (v !== undefined) { garp.masterDelay = v * 1000; explicitGarp.add(k); }
          break;
        }
        case 'vrrp_garp_master_repeat': {
          const v = int(g, 0, 0, 1_000_000);
          if (v !== undefined) { garp.masterRepeat = v; explicitGarp.add(k); }
          break;
        }
        case 'vrrp_garp_master_refresh': {
          const v = int(g, 0, 0, 86400);
          if (v !== undefined) { if (v > 0) garp.masterRefresh = v * 1000; else delete garp.masterRefresh; explicitGarp.add(k); }
          break;
        }
        case 'vrrp_garp_master_refresh_repeat': {
          const v = int(g, 0, 0, 1_000_000);
          if (v !== undefined) { garp.masterRefreshRepeat = v; explicitGarp.add(k); }
          break;
        }
        case 'vrrp_garp_lower_prio_delay': {
          const v = int(g, 0, 0, 86400);
          if (v !== undefined) { garp.lowerPriorityDelay = v * 1000; garpLowerDelaySet = true; }
          break;
        }
        case 'vrrp_garp_lower_prio_repeat': {
          const v = int(g, 0, 0, 1_000_000);
          if (v !== undefined) { garp.lowerPriorityRepeat = v; garpLowerRepeatSet = true; }
          break;
        }
        case 'vrrp_garp_interval': {
          const v = seconds(g, 0, 0, 1);
          if (v !== undefined) garp.interval = v;
          break;
        }
        case 'vrrp_gna_interval': {
          const v = seconds(g, 0, 0, 1);
          if (v !== undefined) garp.naInterval = v;
          break;
        }
        case 'vrrp_version': {
          const v = int(g, 0, 2, 3);
          if (v !== undefined) globalVersion = v as 2 | 3;
          break;
        }
        case 'vrrp_strict':
          globalStrict = true;
          break;
        case 'vrrp_min_garp': {
          const v = bool(g, 0, true);
          if (v) minGarp = true;
          break;
        }
        case 'vrrp_mcast_group4':
        case 'vrrp_mcast_group6': {
          const dflt = k === 'vrrp_mcast_group4' ? '224.0.0.18' : 'ff02::12';
          if (needArgs(g, 1, 'a multicast address') && g.args[0]!.text.toLowerCase() !== dflt)
            warn(g.keyword, `halb only uses the IANA VRRP group ${dflt}; this setting is ignored`);
          break;
        }
        default:
          if ((GLOBAL_NOTE as readonly string[]).includes(k)) note(g.keyword, 'accepted; no effect in halb');
          else if ((GLOBAL_WARN as readonly string[]).includes(k)) warn(g.keyword, 'not supported by halb; ignored');
          else unknown(g, 'global_defs', [...GLOBAL_SUPPORTED, ...GLOBAL_NOTE, ...GLOBAL_WARN]);
      }
    }
  };

  // ---------------- vrrp_script ----------------
  const scripts = new Map<string, VrrpScript & { tok: Token }>();
  const mapScript = (s: Stmt): void => {
    const nameTok = s.args[0];
    if (!nameTok) {
      err(s.keyword, 'needs a name');
      return;
    }
    if (scripts.has(nameTok.text)) {
      err(nameTok, `vrrp_script '${nameTok.text}' is defined twice`, undefined, 'vrrp_script');
      return;
    }
    let script: string | undefined;
    let interval = 1000; // VRRP_SCRIPT_DI
    let timeout: number | undefined; // VRRP_SCRIPT_DT 0 = "use the interval"
    let weight = 0; // VRRP_SCRIPT_DW
    let weightReverse = false;
    let rise = 1, fall = 1;
    let user: ScriptUser | undefined;
    let initFail = false;
    for (const k of needBlock(s)) {
      if ((SCRIPT_KEYS as readonly string[]).includes(k.keyword.text)) noBlock(k);
      switch (k.keyword.text) {
        case 'script': {
          const w = commandWords(k);
          if (!w) break;
          script = w[0]!;
          // keepalived 2.2.7 takes only the first (quoted) word as the command line.
          if (w.length > 1)
            warn(k.args[1] ?? k.keyword, `keepalived runs only '${w[0]}' and ignores the words after it; quote the whole command line to pass arguments`, 'script');
          break;
        }
        case 'interval': {
          const v = int(k, 0, 1, 86400);
          if (v !== undefined) interval = v * 1000;
          break;
        }
        case 'timeout': {
          const v = int(k, 0, 1, 86400);
          if (v !== undefined) timeout = v * 1000;
          break;
        }
        case 'weight': {
          const v = int(k, 0, -253, 253);
          if (v !== undefined) weight = v;
          const opt = k.args[1];
          if (opt) {
            if (opt.text === 'reverse') weightReverse = true;
            else err(opt, `unknown weight option '${opt.text}'`, didYouMean(opt.text, ['reverse']), 'weight');
          }
          break;
        }
        case 'rise': {
          const v = int(k, 0, 1, 2 ** 31 - 1);
          if (v !== undefined) rise = v;
          break;
        }
        case 'fall': {
          const v = int(k, 0, 1, 2 ** 31 - 1);
          if (v !== undefined) fall = v;
          break;
        }
        case 'user':
          if (needArgs(k, 1, 'a user name')) user = scriptUser(k, 0);
          break;
        case 'init_fail':
          initFail = true;
          break;
        default:
          unknown(k, `vrrp_script '${nameTok.text}'`, SCRIPT_KEYS);
      }
    }
    if (script === undefined) {
      err(nameTok, `vrrp_script '${nameTok.text}' has no script`, undefined, 'vrrp_script');
      return;
    }
    scripts.set(nameTok.text, {
      name: nameTok.text, script, interval, ...(timeout !== undefined ? { timeout } : {}), fall, rise, weight, weightReverse,
      ...(user ? { user } : {}), ...(initFail ? { initFail } : {}), pos: pos(nameTok), tok: nameTok,
    });
  };

  // ---------------- track_file ----------------
  const trackFiles = new Map<string, VrrpTrackFile & { tok: Token }>();
  const mapTrackFile = (s: Stmt): void => {
    const nameTok = s.args[0];
    if (!nameTok) {
      err(s.keyword, 'needs a name');
      return;
    }
    if (s.keyword.text === 'vrrp_track_file') note(s.keyword, "deprecated synonym of 'track_file'");
    if (trackFiles.has(nameTok.text)) {
      err(nameTok, `track_file '${nameTok.text}' is defined twice`, undefined, s.keyword.text);
      return;
    }
    let path: string | undefined;
    let weight = 1; // track_file weight defaults to 1 (trackers/track_file.c)
    let weightReverse = false;
    let init: { value: number; overwrite: boolean } | undefined;
    for (const k of needBlock(s)) {
      if ((TRACK_FILE_KEYS as readonly string[]).includes(k.keyword.text)) noBlock(k);
      switch (k.keyword.text) {
        case 'file':
          if (needArgs(k, 1, 'a file path')) path = k.args[0]!.text;
          break;
        case 'weight': {
          const v = int(k, 0, -2147483647, 2147483647);
          if (v !== undefined) weight = v;
          const opt = k.args[1];
          if (opt) {
            if (opt.text === 'reverse') weightReverse = true;
            else err(opt, `unknown weight option '${opt.text}'`, didYouMean(opt.text, ['reverse']), 'weight');
          }
          break;
        }
        case 'init_file': {
          let value = 0, overwrite = false;
          for (const a of k.args) {
            if (a.text === 'overwrite') overwrite = true;
            else if (/^-?\d+$/.test(a.text)) value = Number(a.text);
            else err(a, `'${a.text}' is neither a value nor 'overwrite'`, undefined, 'init_file');
          }
          init = { value, overwrite };
          break;
        }
        default:
          unknown(k, `track_file '${nameTok.text}'`, TRACK_FILE_KEYS);
      }
    }
    if (path === undefined) {
      err(nameTok, `track_file '${nameTok.text}' has no file`, undefined, s.keyword.text);
      return;
    }
    trackFiles.set(nameTok.text, { name: nameTok.text, path, weight, ...(weightReverse ? { weightReverse } : {}), ...(init ? { init } : {}), pos: pos(nameTok), tok: nameTok });
  };

  // ---------------- shared list parsers ----------------
  /** `NAME [weight W [reverse|noreverse]]` entries of track_script / track_file / track_interface. */
  const trackEntries = (s: Stmt, min: number, max: number, allowNoreverse: boolean): { name: string; weight?: number; reverse?: boolean; tok: Token }[] => {
    const out: { name: string; weight?: number; reverse?: boolean; tok: Token }[] = [];
    const seen = new Set<string>();
    for (const e of needBlock(s)) {
      noBlock(e);
      const name = e.keyword.text;
      if (seen.has(name)) {
        warn(e.keyword, `duplicate ${s.keyword.text} entry '${name}' ignored`, s.keyword.text);
        continue;
      }
      seen.add(name);
      const entry: { name: string; weight?: number; reverse?: boolean; tok: Token } = { name, tok: e.keyword };
      if (e.args.length) {
        const w = e.args[0]!;
        if (w.text !== 'weight') {
          err(w, `unknown option '${w.text}'`, didYouMean(w.text, ['weight']), s.keyword.text);
          continue;
        }
        const v = e.args[1];
        if (!v || !/^[+-]?\d+$/.test(v.text)) {
          err(v ?? w, 'weight needs an integer', undefined, s.keyword.text);
          continue;
        }
        let n = Number(v.text);
        if (n < min - 1 || n > max + 1) {
          err(v, `weight ${n} is out of range ${min}..${max}`, undefined, s.keyword.text);
          continue;
        }
        // keepalived still accepts +/-254 for scripts and interfaces but clamps it (vrrp_track.c).
        if (n < min || n > max) {
          warn(v, `weight ${n} is clamped to ${n < 0 ? min : max} as keepalived does`, s.keyword.text);
          n = n < 0 ? min : max;
        }
        entry.weight = n;
        const r = e.args[2];
        if (r) {
          if (r.text === 'reverse') entry.reverse = true;
          else if (allowNoreverse && (r.text === 'noreverse' || r.text === 'no_reverse')) entry.reverse = false;
          else err(r, `unknown weight option '${r.text}'`, didYouMean(r.text, allowNoreverse ? ['reverse', 'noreverse'] : ['reverse']), s.keyword.text);
        }
        if (e.args.length > 3) err(e.args[3]!, 'unexpected extra words', undefined, s.keyword.text);
      }
      out.push(entry);
    }
    return out;
  };

  const notifyKind = (k: string): NotifyKind | undefined =>
    k === 'notify' ? 'any' : k === 'notify_master' ? 'master' : k === 'notify_backup' ? 'backup' : k === 'notify_fault' ? 'fault' : k === 'notify_stop' ? 'stop' : undefined;

  const setNotify = (s: Stmt, notify: Mutable<NotifyScripts>, users: { [K in NotifyKind]?: ScriptUser }): void => {
    noBlock(s);
    const kind = notifyKind(s.keyword.text)!;
    if (notify[kind] !== undefined) {
      warn(s.keyword, `${s.keyword.text} is already set; this one is ignored (as keepalived does)`);
      return;
    }
    const w = commandWords(s);
    if (!w) return;
    notify[kind] = w[0]!;
    if (w[1]) users[kind] = w[2] ? { user: w[1], group: w[2] } : { user: w[1] };
    if (w.length > 3) warn(s.args[3] ?? s.keyword, 'extra words after user and group are ignored; quote the command to pass arguments');
  };

  const parseVip = (e: Stmt, directive: string): VirtualAddress | undefined => {
    noBlock(e);
    const a = e.keyword;
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(a.text);
    if (!m || !ipaddr.isValid(m[1]!)) {
      err(a, `'${a.text}' is not an address[/prefix]`, undefined, directive);
      return undefined;
    }
    const ip = ipaddr.parse(m[1]!);
    const family: 4 | 6 = ip.kind() === 'ipv4' ? 4 : 6;
    const maxPrefix = family === 4 ? 32 : 128;
    const prefix = m[2] !== undefined ? Number(m[2]) : maxPrefix;
    if (prefix > maxPrefix) {
      err(a, `prefix /${prefix} is too long for IPv${family}`, undefined, directive);
      return undefined;
    }
    const vip: Mutable<VirtualAddress> = { address: ip.toString(), prefix, family, pos: pos(a) };
    for (let i = 0; i < e.args.length; i++) {
      const o = e.args[i]!;
      if (VIP_OPTS_WITH_ARG.has(o.text)) {
        const v = e.args[i + 1];
        if (!v) {
          err(o, `'${o.text}' needs a value`, undefined, directive);
          break;
        }
        i++;
        switch (o.text) {
          case 'dev':
            if (v.text.length > 15) err(v, `interface name '${v.text}' is longer than 15 characters`, undefined, directive);
            vip.dev = v.text;
            break;
          case 'label':
            vip.label = v.text;
            break;
          case 'brd':
            if (v.text !== '+' && v.text !== '-' && !ipaddr.isValid(v.text)) err(v, `'${v.text}' is not a broadcast address`, undefined, directive);
            else vip.broadcast = v.text;
            break;
          case 'scope':
            if (!SCOPES.has(v.text)) err(v, `unknown scope '${v.text}'`, choiceHint(v.text, SCOPES), directive);
            else vip.scope = v.text;
            break;
          default:
            warn(o, `address option '${o.text}' is not supported by halb; ignored`, directive);
        }
      } else if (VIP_FLAGS.has(o.text)) {
        warn(o, `address option '${o.text}' is not supported by halb; ignored`, directive);
      } else {
        err(o, `unknown address option '${o.text}'`, didYouMean(o.text, [...VIP_OPTS_WITH_ARG, ...VIP_FLAGS]), directive);
      }
    }
    return vip;
  };

  // ---------------- vrrp_instance ----------------
  const raws: RawInstance[] = [];
  const mapInstance = (s: Stmt): void => {
    const nameTok = s.args[0];
    if (!nameTok) {
      err(s.keyword, 'needs a name');
      return;
    }
    if (raws.some((r) => r.name === nameTok.text)) {
      err(nameTok, `vrrp_instance '${nameTok.text}' is defined twice`, undefined, 'vrrp_instance');
      return;
    }
    const r: RawInstance = {
      name: nameTok.text, stmt: s, nopreempt: false, preemptDelay: 0, unicastConfigured: false, peers: [], vips: [], evips: [],
      trackScripts: [], trackInterfaces: [], trackFiles: [], notify: {}, users: {},
      checksumPseudoHeader: true, dontTrackPrimary: false, garpOverrides: {},
    };
    const garpOverrides = r.garpOverrides;
    const setFamily = (f: 4 | 6, t: Token, what: string): boolean => {
      if (r.family === undefined) {
        r.family = f;
        r.familyTok = t;
        return true;
      }
      if (r.family !== f) {
        err(t, `${what} is IPv${f} but the instance is IPv${r.family} (from ${r.familyTok!.file}:${r.familyTok!.line}); one instance carries one family`, undefined, what);
        return false;
      }
      return true;
    };
    for (const k of needBlock(s)) {
      const kw = k.keyword.text;
      const known = ([...INSTANCE_SUPPORTED, ...INSTANCE_NOTE, ...INSTANCE_WARN] as readonly string[]).includes(kw);
      if (known && !['unicast_peer', 'authentication', 'virtual_ipaddress', 'virtual_ipaddress_excluded', 'track_script', 'track_interface', 'track_file', 'virtual_routes', 'virtual_rules', 'track_process', 'track_bfd'].includes(kw))
        noBlock(k);
      switch (kw) {
        case 'state': {
          if (!needArgs(k, 1, 'MASTER or BACKUP')) break;
          const v = k.args[0]!.text;
          if (v === 'MASTER') r.state = 'MASTER';
          else if (v === 'BACKUP') {
            if (r.state === 'MASTER') warn(k.args[0]!, 'state previously set as MASTER; BACKUP ignored (as keepalived does)', 'state');
            else r.state = 'BACKUP';
          } else err(k.args[0]!, `unknown state '${v}'`, choiceHint(v, ['MASTER', 'BACKUP']), 'state');
          break;
        }
        case 'interface':
          if (!needArgs(k, 1, 'an interface name')) break;
          if (k.args[0]!.text.length > 15) err(k.args[0]!, `interface name '${k.args[0]!.text}' is longer than 15 characters`, undefined, 'interface');
          else if (k.args[0]!.text === 'lo') err(k.args[0]!, 'cannot use a loopback interface for VRRP', undefined, 'interface');
          else r.iface = k.args[0]!.text;
          break;
        case 'virtual_router_id': {
          const v = int(k, 0, 1, 255);
          if (v !== undefined) r.vrid = v;
          break;
        }
        case 'priority': {
          const v = int(k, 0, 1, 255);
          if (v !== undefined) r.priority = v;
          break;
        }
        case 'advert_int': {
          const v = seconds(k, 0, 0.01, 255);
          if (v !== undefined) {
            if (v <= 0) err(k.args[0]!, 'advert_int must be > 0', undefined, 'advert_int');
            else { r.advertMs = v; r.advertTok = k.args[0]!; }
          }
          break;
        }
        case 'version': {
          const v = int(k, 0, 2, 3);
          if (v !== undefined) { r.version = v as 2 | 3; r.versionTok = k.args[0]!; }
          break;
        }
        case 'native_ipv6':
          if (r.family === 4) err(k.keyword, 'cannot use native_ipv6 with IPv4 addresses');
          else { r.family = 6; r.familyTok = k.keyword; }
          break;
        case 'nopreempt':
          r.nopreempt = true;
          r.nopreemptTok = k.keyword;
          break;
        case 'preempt':
          r.nopreempt = false;
          break;
        case 'preempt_delay': {
          const v = seconds(k, 0, 0, 1000);
          if (v !== undefined) { r.preemptDelay = v; r.preemptDelayTok = k.keyword; }
          break;
        }
        case 'unicast_src_ip': {
          if (!needArgs(k, 1, 'an address')) break;
          r.unicastConfigured = true;
          const ip = parseIp(k.args[0]!, kw);
          if (ip && setFamily(ip.family, k.args[0]!, kw)) r.unicastSrcIp = ip.addr;
          break;
        }
        case 'unicast_peer': {
          r.unicastConfigured = true;
          r.peersTok = k.keyword;
          for (const p of needBlock(k)) {
            noBlock(p);
            const ip = parseIp(p.keyword, kw);
            if (!ip) continue;
            if (!setFamily(ip.family, p.keyword, kw)) continue;
            if (r.peers.includes(ip.addr)) {
              warn(p.keyword, `duplicate unicast peer ${ip.addr} ignored`, kw);
              continue;
            }
            for (let i = 0; i < p.args.length; i += 2) {
              const o = p.args[i]!;
              if (o.text === 'min_ttl' || o.text === 'max_ttl') warn(o, `'${o.text}' is not supported by halb; ignored`, kw);
              else err(o, `unknown unicast_peer option '${o.text}'`, didYouMean(o.text, ['min_ttl', 'max_ttl']), kw);
            }
            r.peers.push(ip.addr);
          }
          break;
        }
        case 'authentication':
          r.authTok = k.keyword;
          for (const a of needBlock(k)) {
            noBlock(a);
            if (a.keyword.text === 'auth_type') {
              if (!needArgs(a, 1, 'PASS or AH')) continue;
              const t = a.args[0]!.text;
              if (t === 'PASS') r.authType = 'PASS';
              else if (t === 'AH') {
                r.authType = 'AH';
                err(a.args[0]!, 'IPsec AH authentication is not supported by halb (removed from VRRP by RFC 3768); use PASS or none', undefined, 'auth_type');
              } else err(a.args[0]!, `unknown authentication type '${t}'`, choiceHint(t, ['PASS', 'AH']), 'auth_type');
            } else if (a.keyword.text === 'auth_pass') {
              if (!needArgs(a, 1, 'a password')) continue;
              let p = a.args[0]!.text;
              if (p.length > 8) {
                warn(a.args[0]!, 'only the first 8 characters of auth_pass are used (as keepalived does)', 'auth_pass');
                p = p.slice(0, 8);
              }
              r.authPass = p;
            } else unknown(a, 'authentication', ['auth_type', 'auth_pass']);
          }
          break;
        case 'virtual_ipaddress':
          for (const e of needBlock(k)) {
            const v = parseVip(e, kw);
            if (v && setFamily(v.family, e.keyword, kw)) r.vips.push(v);
          }
          break;
        case 'virtual_ipaddress_excluded':
          for (const e of needBlock(k)) {
            const v = parseVip(e, kw);
            if (v) r.evips.push(v);
          }
          break;
        case 'track_script':
          r.trackScripts.push(...trackEntries(k, -253, 253, true));
          break;
        case 'track_interface':
          for (const t of trackEntries(k, -253, 253, false)) {
            if (t.name.length > 15) err(t.tok, `interface name '${t.name}' is longer than 15 characters`, undefined, kw);
            r.trackInterfaces.push({ name: t.name, weight: t.weight ?? 0, reverse: t.reverse ?? false, tok: t.tok });
          }
          break;
        case 'track_file':
          r.trackFiles.push(...trackEntries(k, -254, 254, true));
          break;
        case 'notify_master':
        case 'notify_backup':
        case 'notify_fault':
        case 'notify_stop':
        case 'notify':
          setNotify(k, r.notify, r.users);
          break;
        case 'garp_master_delay': {
          const v = int(k, 0, 0, 86400);
          if (v !== undefined) garpOverrides.masterDelay = v * 1000;
          break;
        }
        case 'garp_master_repeat': {
          const v = int(k, 0, 0, 1_000_000);
          if (v !== undefined) garpOverrides.masterRepeat = v;
          break;
        }
        case 'garp_master_refresh': {
          const v = int(k, 0, 0, 86400);
          if (v !== undefined) garpOverrides.masterRefresh = v * 1000;
          break;
        }
        case 'garp_master_refresh_repeat': {
          const v = int(k, 0, 0, 1_000_000);
          if (v !== undefined) garpOverrides.masterRefreshRepeat = v;
          break;
        }
        case 'garp_lower_prio_delay': {
          const v = int(k, 0, 0, 86400);
          if (v !== undefined) { garpOverrides.lowerPriorityDelay = v * 1000; }
          break;
        }
        case 'garp_lower_prio_repeat': {
          const v = int(k, 0, 0, 1_000_000);
          if (v !== undefined) { garpOverrides.lowerPriorityRepeat = v; }
          break;
        }
        case 'dont_track_primary':
          r.dontTrackPrimary = true;
          break;
        case 'old_unicast_checksum':
          // keepalived <= 1.3.6 computed the v3 checksum without the pseudo-header.
          r.checksumPseudoHeader = false;
          if (k.args[0] && k.args[0].text !== 'never') err(k.args[0], `unknown option '${k.args[0].text}'`, didYouMean(k.args[0].text, ['never']), kw);
          break;
        case 'strict_mode': {
          const v = bool(k, 0, true);
          if (v !== undefined) r.strict = v;
          break;
        }
        default:
          if ((INSTANCE_NOTE as readonly string[]).includes(kw)) note(k.keyword, 'accepted; no effect in halb');
          else if ((INSTANCE_WARN as readonly string[]).includes(kw)) warn(k.keyword, 'not supported by halb; ignored');
          else unknown(k, `vrrp_instance '${nameTok.text}'`, [...INSTANCE_SUPPORTED, ...INSTANCE_NOTE, ...INSTANCE_WARN]);
      }
    }
    raws.push(r);
  };

  // ---------------- vrrp_sync_group ----------------
  interface RawGroup {
    name: string;
    tok: Token;
    members: { name: string; tok: Token }[];
    notify: Mutable<NotifyScripts>;
    users: { [K in NotifyKind]?: ScriptUser };
    trackScripts: { name: string; weight?: number; reverse?: boolean; tok: Token }[];
    trackInterfaces: { name: string; weight?: number; reverse?: boolean; tok: Token }[];
    trackFiles: { name: string; weight?: number; reverse?: boolean; tok: Token }[];
    trackingWeight: boolean;
  }
  const groups: RawGroup[] = [];
  const mapSyncGroup = (s: Stmt): void => {
    const nameTok = s.args[0];
    if (!nameTok) {
      err(s.keyword, 'needs a name');
      return;
    }
    if (groups.some((g) => g.name === nameTok.text)) {
      err(nameTok, `vrrp_sync_group '${nameTok.text}' is defined twice`, undefined, 'vrrp_sync_group');
      return;
    }
    const g: RawGroup = { name: nameTok.text, tok: nameTok, members: [], notify: {}, users: {}, trackScripts: [], trackInterfaces: [], trackFiles: [], trackingWeight: false };
    for (const k of needBlock(s)) {
      const kw = k.keyword.text;
      switch (kw) {
        case 'group':
          for (const m of needBlock(k)) {
            noBlock(m);
            g.members.push({ name: m.keyword.text, tok: m.keyword });
            for (const extra of m.args) g.members.push({ name: extra.text, tok: extra });
          }
          break;
        case 'notify_master':
        case 'notify_backup':
        case 'notify_fault':
        case 'notify_stop':
        case 'notify':
          setNotify(k, g.notify, g.users);
          break;
        case 'track_script':
          g.trackScripts.push(...trackEntries(k, -253, 253, true));
          break;
        case 'track_interface':
          g.trackInterfaces.push(...trackEntries(k, -253, 253, false));
          break;
        case 'track_file':
          g.trackFiles.push(...trackEntries(k, -254, 254, true));
          break;
        case 'sync_group_tracking_weight':
          g.trackingWeight = true;
          break;
        default:
          if ((SYNC_NOTE as readonly string[]).includes(kw)) note(k.keyword, 'accepted; no effect in halb');
          else if ((SYNC_WARN as readonly string[]).includes(kw)) warn(k.keyword, 'not supported by halb; ignored');
          else unknown(k, `vrrp_sync_group '${nameTok.text}'`, [...SYNC_SUPPORTED, ...SYNC_NOTE, ...SYNC_WARN]);
      }
    }
    groups.push(g);
  };

  // ---------------- top level ----------------
  for (const s of stmts) {
    const k = s.keyword.text;
    switch (k) {
      case 'global_defs':
        mapGlobals(s);
        break;
      case 'vrrp_script':
        mapScript(s);
        break;
      case 'track_file':
      case 'vrrp_track_file':
        mapTrackFile(s);
        break;
      case 'vrrp_instance':
        mapInstance(s);
        break;
      case 'vrrp_sync_group':
        mapSyncGroup(s);
        break;
      default:
        if ((TOP_OUT_OF_SCOPE as readonly string[]).includes(k)) warn(s.keyword, `section '${k}' is outside halb's VRRP scope; ignored`);
        else unknown(s, 'the top level', [...TOP_SUPPORTED, ...TOP_OUT_OF_SCOPE]);
    }
  }

  // vrrp_min_garp: one GARP, no repeat, unless set explicitly (global_parser.c vrrp_min_garp_handler).
  if (minGarp) {
    if (!explicitGarp.has('vrrp_garp_master_repeat')) garp.masterRepeat = 1;
    if (!explicitGarp.has('vrrp_garp_master_refresh')) delete garp.masterRefresh;
    if (!explicitGarp.has('vrrp_garp_master_refresh_repeat')) garp.masterRefreshRepeat = 0;
    if (!explicitGarp.has('vrrp_garp_master_delay')) garp.masterDelay = 0;
  }

  // ---------------- sync groups: membership and group tracking ----------------
  const groupOf = new Map<string, RawGroup>();
  for (const g of groups) {
    const names = new Set<string>();
    for (const m of g.members) {
      if (names.has(m.name)) {
        warn(m.tok, `'${m.name}' is listed twice in sync group '${g.name}'`, 'group');
        continue;
      }
      names.add(m.name);
      const inst = raws.find((r) => r.name === m.name);
      if (!inst) {
        err(m.tok, `sync group '${g.name}' names unknown vrrp_instance '${m.name}'`, didYouMean(m.name, raws.map((r) => r.name)), 'group');
        continue;
      }
      const other = groupOf.get(m.name);
      if (other) {
        err(m.tok, `vrrp_instance '${m.name}' is already in sync group '${other.name}'`, undefined, 'group');
        continue;
      }
      groupOf.set(m.name, g);
      // Group tracking applies to every member (keepalived.conf(5) vrrp_sync_group).
      for (const t of g.trackScripts) if (!inst.trackScripts.some((x) => x.name === t.name)) inst.trackScripts.push(t);
      for (const t of g.trackInterfaces)
        if (!inst.trackInterfaces.some((x) => x.name === t.name)) inst.trackInterfaces.push({ name: t.name, weight: t.weight ?? 0, reverse: t.reverse ?? false, tok: t.tok });
      for (const t of g.trackFiles) if (!inst.trackFiles.some((x) => x.name === t.name)) inst.trackFiles.push(t);
    }
    if (g.members.length === 0) err(g.tok, `sync group '${g.name}' has no members`, undefined, 'vrrp_sync_group');
    else if (names.size === 1) warn(g.tok, `sync group '${g.name}' has only one member`, 'vrrp_sync_group');
  }

  // ---------------- instances: defaults and cross-checks (vrrp_complete_instance) ----------------
  const instances: VrrpInstance[] = [];
  for (const r of raws) {
    const at = r.stmt.args[0]!;
    const strict = r.strict ?? globalStrict;
    let bad = false;
    if (r.vrid === undefined) {
      err(at, `vrrp_instance '${r.name}' has no virtual_router_id`, undefined, 'vrrp_instance');
      bad = true;
    }
    if (r.iface === undefined) {
      err(at, `vrrp_instance '${r.name}' has no interface (halb needs one, also with unicast)`, undefined, 'vrrp_instance');
      bad = true;
    }
    const family: 4 | 6 = r.family ?? 4;
    let version: 2 | 3 = r.version ?? (family === 6 ? 3 : globalVersion);
    if (family === 6 && version === 2) {
      warn(r.versionTok ?? at, 'VRRP version 2 cannot carry IPv6; using version 3 (as keepalived does)', 'version');
      version = 3;
    }

    // Priority unset: 255 with state MASTER, else 100 (vrrp.c vrrp_complete_instance).
    const priority = r.priority ?? (r.state === 'MASTER' ? 255 : 100);
    if (r.priority === undefined && r.state === 'MASTER')
      note(at, 'state MASTER without a priority means priority 255 (address owner), as in keepalived', 'priority');
    let state = r.state ?? (priority === 255 ? 'MASTER' : 'BACKUP');
    if (strict && (state === 'MASTER') !== (priority === 255)) {
      warn(at, 'strict mode: state MASTER must match priority 255; state derived from priority', 'state');
      state = priority === 255 ? 'MASTER' : 'BACKUP';
    }

    // Advert interval: v2 whole seconds below 256; v3 centiseconds below 40.96 s.
    let advertInt = r.advertMs ?? 1000;
    if (version === 2) {
      if (advertInt % 1000 !== 0) {
        err(r.advertTok ?? at, `advert_int ${advertInt / 1000} s is fractional; VRRPv2 carries whole seconds (use 'version 3' for sub-second adverts)`, undefined, 'advert_int');
        bad = true;
      }
    } else if (advertInt >= 40960) {
      err(r.advertTok ?? at, `advert_int ${advertInt / 1000} s is too long for VRRPv3 (max 40.95 s)`, undefined, 'advert_int');
      bad = true;
    } else if (advertInt % 10 !== 0) {
      const rounded = Math.max(10, Math.round(advertInt / 10) * 10);
      warn(r.advertTok ?? at, `advert_int ${advertInt / 1000} s rounded to ${rounded / 1000} s (VRRPv3 counts centiseconds)`, 'advert_int');
      advertInt = rounded;
    }

    // Authentication (vrrp.c): ignored with v3 / strict, refused when AH.
    let auth: VrrpInstance['auth'];
    if (r.authType === 'PASS') {
      if (strict) warn(r.authTok!, 'strict mode does not support authentication; ignored (as keepalived does)', 'authentication');
      else if (version === 3) warn(r.authTok!, 'VRRP version 3 does not support authentication; ignored (as keepalived does)', 'authentication');
      else if (!r.authPass) warn(r.authTok!, 'authentication without auth_pass; ignored (as keepalived does)', 'authentication');
      else auth = { type: 'PASS', password: r.authPass };
    } else if (r.authType === undefined && r.authPass !== undefined) {
      warn(r.authTok!, 'auth_pass without auth_type; no authentication is used', 'authentication');
    } else if (r.authType === 'AH') bad = true;

    // Unicast: a unicast keyword without peers falls back to multicast (deprecated in keepalived 2.2.4+).
    if (r.unicastConfigured && r.peers.length === 0)
      warn(r.peersTok ?? at, 'unicast configured without any unicast_peer; falling back to multicast (as keepalived does)', 'unicast_peer');
    if (strict && r.peers.length) {
      err(r.peersTok ?? at, 'strict mode does not allow unicast peers', undefined, 'unicast_peer');
      bad = true;
    }
    if (r.unicastSrcIp && r.peers.includes(r.unicastSrcIp))
      warn(r.peersTok ?? at, `unicast_peer lists our own unicast_src_ip ${r.unicastSrcIp}`, 'unicast_peer');

    // VIPs.
    let vips = r.vips;
    let evips = r.evips;
    if (vips.length === 0) {
      if (version === 3 || strict) {
        err(at, `vrrp_instance '${r.name}' has no virtual_ipaddress; at least one is required with VRRPv3/strict mode`, undefined, 'virtual_ipaddress');
        bad = true;
      } else warn(at, `vrrp_instance '${r.name}' has no virtual_ipaddress`, 'virtual_ipaddress');
    }
    if (family === 6 && r.peers.length === 0 && vips.length && !vips[0]!.address.toLowerCase().startsWith('fe80:')) {
      if (strict) {
        err(at, 'strict mode: the first IPv6 VIP must be link-local', undefined, 'virtual_ipaddress');
        bad = true;
      } else note(at, 'the first IPv6 VIP should be link-local (RFC 5798 §5.2.9)', 'virtual_ipaddress');
    }
    const hdr = family === 4 ? 14 + 20 + 8 + (version === 2 ? 8 : 0) : 14 + 40 + 8;
    const maxAddr = Math.min(255, Math.floor((DEFAULT_MTU - hdr) / (family === 4 ? 4 : 16)));
    if (vips.length > maxAddr) {
      warn(at, `${vips.length} VIPs do not fit one advert (max ${maxAddr}); the excess is managed but not advertised (as keepalived does)`, 'virtual_ipaddress');
      evips = [...vips.slice(maxAddr), ...evips];
      vips = vips.slice(0, maxAddr);
    }

    // Preemption (vrrp.c): nopreempt is meaningless for the owner or with initial state MASTER.
    let nopreempt = r.nopreempt;
    let preemptDelay = r.preemptDelay;
    if (priority === 255 && nopreempt) {
      warn(r.nopreemptTok ?? at, 'nopreempt is incompatible with priority 255; cleared (as keepalived does)', 'nopreempt');
      nopreempt = false;
    }
    if (state === 'MASTER') {
      if (nopreempt) {
        warn(r.nopreemptTok ?? at, "nopreempt does not work with initial state MASTER; cleared (as keepalived does) — use 'state BACKUP'", 'nopreempt');
        nopreempt = false;
      }
      if (preemptDelay) {
        warn(r.preemptDelayTok ?? at, 'preempt_delay does not work with initial state MASTER; cleared (as keepalived does)', 'preempt_delay');
        preemptDelay = 0;
      }
    }
    if (preemptDelay && (strict || nopreempt)) {
      warn(r.preemptDelayTok ?? at, `preempt_delay is incompatible with ${strict ? 'strict mode' : 'nopreempt'}; cleared (as keepalived does)`, 'preempt_delay');
      preemptDelay = 0;
    }

    // Tracking: resolve names and weights.
    const group = groupOf.get(r.name);
    const zeroWeights = (group && !group.trackingWeight) || priority === 255;
    const why = group && !group.trackingWeight ? `it is in sync group '${group.name}'` : 'it is the address owner (priority 255)';
    const trackScripts: TrackRef[] = [];
    for (const t of r.trackScripts) {
      const sc = scripts.get(t.name);
      if (!sc) {
        err(t.tok, `track_script names unknown vrrp_script '${t.name}'`, didYouMean(t.name, scripts.keys()), 'track_script');
        bad = true;
        continue;
      }
      const weight = t.weight ?? sc.weight;
      const reverse = t.reverse ?? sc.weightReverse;
      if (weight !== 0 && zeroWeights) {
        // keepalived removes weighted scripts here (vrrp.c: "ignoring tracked script ... with weights").
        warn(t.tok, `weighted track_script '${t.name}' ignored because ${why} (as keepalived does; set sync_group_tracking_weight or weight 0)`, 'track_script');
        continue;
      }
      trackScripts.push({ name: t.name, weight, reverse });
    }
    const trackInterfaces: TrackRef[] = [];
    for (const t of r.trackInterfaces) {
      let weight = t.weight ?? 0;
      if (weight !== 0 && zeroWeights) {
        if (priority === 255) {
          warn(t.tok, `weighted track_interface '${t.name}' ignored because ${why} (as keepalived does)`, 'track_interface');
          continue;
        }
        warn(t.tok, `track_interface '${t.name}' weight set to 0 because ${why} (as keepalived does)`, 'track_interface');
        weight = 0;
      }
      trackInterfaces.push({ name: t.name, weight, reverse: t.reverse ?? false });
    }
    const trackFileRefs: TrackRef[] = [];
    for (const t of r.trackFiles) {
      const tf = trackFiles.get(t.name);
      if (!tf) {
        err(t.tok, `track_file names unknown track_file '${t.name}'`, didYouMean(t.name, trackFiles.keys()), 'track_file');
        bad = true;
        continue;
      }
      let weight = t.weight ?? tf.weight;
      if (weight !== 0 && zeroWeights) {
        if (t.weight === undefined && tf.weight === 1) {
          warn(t.tok, `track_file '${t.name}' weight set to 0 because ${why} (as keepalived does; specify weight 0)`, 'track_file');
          weight = 0;
        } else {
          warn(t.tok, `weighted track_file '${t.name}' ignored because ${why} (as keepalived does)`, 'track_file');
          continue;
        }
      }
      trackFileRefs.push({ name: t.name, weight, reverse: t.reverse ?? tf.weightReverse ?? false });
    }

    // GARP: instance values over the globals; lower-priority ones default to the master ones.
    const ov = r.garpOverrides;
    const ig: Mutable<GarpSettings> = { ...garp, ...ov };
    if (ov.masterRefresh === 0) delete ig.masterRefresh;
    if (!garpLowerDelaySet && ov.lowerPriorityDelay === undefined) ig.lowerPriorityDelay = strict ? 0 : ig.masterDelay;
    if (!garpLowerRepeatSet && ov.lowerPriorityRepeat === undefined) ig.lowerPriorityRepeat = strict ? 0 : ig.masterRepeat;

    if (bad) continue;
    const users = Object.keys(r.users).length ? { users: r.users } : {};
    instances.push({
      name: r.name,
      initialState: state,
      interface: r.iface!,
      vrid: r.vrid!,
      priority,
      advertInt,
      version,
      family,
      nopreempt,
      preemptDelay,
      ...(r.unicastSrcIp ? { unicastSrcIp: r.unicastSrcIp } : {}),
      unicastPeers: r.peers,
      ...(auth ? { auth } : {}),
      virtualAddresses: vips,
      virtualAddressesExcluded: evips,
      trackScripts,
      trackInterfaces,
      trackFiles: trackFileRefs,
      notify: { ...r.notify, ...users },
      checksumPseudoHeader: r.checksumPseudoHeader,
      garp: ig,
      ...(r.dontTrackPrimary ? { dontTrackPrimary: true } : {}),
      pos: pos(at),
    });
  }

  const syncGroups: VrrpSyncGroup[] = groups
    .filter((g) => g.members.length)
    .map((g) => ({
      name: g.name,
      members: [...new Set(g.members.map((m) => m.name))].filter((n) => instances.some((x) => x.name === n)),
      notify: { ...g.notify, ...(Object.keys(g.users).length ? { users: g.users } : {}) },
      pos: pos(g.tok),
    }));

  const strip = <T extends { tok: Token }>(x: T): Omit<T, 'tok'> => {
    const { tok: _t, ...rest } = x;
    return rest;
  };
  const cfg: VrrpConfig = {
    globals: {
      ...(routerId !== undefined ? { routerId } : {}),
      enableScriptSecurity,
      ...(globalScriptUser ? { scriptUser: globalScriptUser } : {}),
      garp,
    },
    scripts: [...scripts.values()].map(strip),
    trackFiles: [...trackFiles.values()].map(strip),
    instances,
    syncGroups,
  };
  // The model-wide checks, shared with halb.yaml (config/validate-vrrp.ts).
  const first = stmts[0]?.keyword;
  const fallback = first ? pos(first) : { file: 'keepalived.conf', line: 1 };
  validateVrrp(cfg, diags, modelLocator(cfg, fallback, KEEPALIVED_DIRECTIVES), { instance: 'vrrp_instance', vrid: 'virtual_router_id' });
  if (diags.errors().length > errorsBefore) return undefined;
  return cfg;
}

/** keepalived.conf's names for the model fields validate-vrrp.ts reports on. */
const KEEPALIVED_DIRECTIVES: Readonly<Record<string, string>> = {
  scripts: 'vrrp_script',
  trackFiles: 'track_file',
  instances: 'vrrp_instance',
  syncGroups: 'vrrp_sync_group',
  vrid: 'virtual_router_id',
  trackScripts: 'track_script',
  virtualAddresses: 'virtual_ipaddress',
  version: 'version',
  advertInt: 'advert_int',
  auth: 'authentication',
  unicastSrcIp: 'unicast_src_ip',
  unicastPeers: 'unicast_peer',
  members: 'group',
};
