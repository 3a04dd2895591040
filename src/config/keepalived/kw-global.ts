// global_defs rows (keepalived/core/global_parser.c). Only the VRRP and GARP settings have an
// effect in halb; mail, SNMP, process tuning and LVS keywords are accepted with a note, and the
// ones that change VRRP behaviour halb does not reproduce are warned.

import { DEFAULT_GARP, type GarpSettings, type ScriptUser } from '../model-vrrp.js';
import { type KwRow, type KwTable, ignored, supported, unsupported } from './kw-table.js';
import type { Mutable } from './kw-tools.js';

export interface GlobalDefs {
  routerId?: string;
  enableScriptSecurity: boolean;
  scriptUser?: ScriptUser;
  garp: Mutable<GarpSettings>;
  garpLowerDelaySet: boolean;
  garpLowerRepeatSet: boolean;
  version: 2 | 3;
  strict: boolean;
  minGarp: boolean;
  /** GARP keywords set explicitly, which vrrp_min_garp does not override. */
  explicitGarp: Set<string>;
}

export const newGlobalDefs = (): GlobalDefs => ({
  enableScriptSecurity: false,
  garp: { ...DEFAULT_GARP },
  garpLowerDelaySet: false,
  garpLowerRepeatSet: false,
  version: 2,
  strict: false,
  minGarp: false,
  explicitGarp: new Set(),
});

/** vrrp_min_garp: one GARP, no repeat, unless set explicitly (global_parser.c vrrp_min_garp_handler). */
export function applyMinGarp(g: GlobalDefs): void {
  if (!g.minGarp) return;
  const { garp, explicitGarp } = g;
  if (!explicitGarp.has('vrrp_garp_master_repeat')) garp.masterRepeat = 1;
  if (!explicitGarp.has('vrrp_garp_master_refresh')) delete garp.masterRefresh;
  if (!explicitGarp.has('vrrp_garp_master_refresh_repeat')) garp.masterRefreshRepeat = 0;
  if (!explicitGarp.has('vrrp_garp_master_delay')) garp.masterDelay = 0;
}

type Row = KwRow<GlobalDefs>;

const mcastGroup = (name: string, dflt: string): Row =>
  supported(name, (s, _g, t) => {
    if (t.needArgs(s, 1, 'a multicast address') && s.args[0]!.text.toLowerCase() !== dflt) t.warn(s.keyword, `halb only uses the IANA VRRP group ${dflt}; this setting is ignored`);
  });

const SUPPORTED: Row[] = [
  supported('router_id', (s, g, t) => {
    if (t.needArgs(s, 1, 'a name')) g.routerId = s.args[0]!.text;
  }),
  supported('enable_script_security', (_s, g) => {
    g.enableScriptSecurity = true;
  }),
  supported('script_user', (s, g, t) => {
    if (t.needArgs(s, 1, 'a user name')) g.scriptUser = t.scriptUser(s, 0);
  }),
  supported('vrrp_garp_master_delay', (s, g, t) => {
    const v = t.int(s, 0, 0, 86400);
    if (v !== undefined) {
      g.garp.masterDelay = v * 1000;
      g.explicitGarp.add(s.keyword.text);
    }
  }),
  supported('vrrp_garp_master_repeat', (s, g, t) => {
    const v = t.int(s, 0, 0, 1_000_000);
    if (v !== undefined) {
      g.garp.masterRepeat = v;
      g.explicitGarp.add(s.keyword.text);
    }
  }),
  supported('vrrp_garp_master_refresh', (s, g, t) => {
    const v = t.int(s, 0, 0, 86400);
    if (v === undefined) return;
    if (v > 0) g.garp.masterRefresh = v * 1000;
    else delete g.garp.masterRefresh;
    g.explicitGarp.add(s.keyword.text);
  }),
  supported('vrrp_garp_master_refresh_repeat', (s, g, t) => {
    const v = t.int(s, 0, 0, 1_000_000);
    if (v !== undefined) {
      g.garp.masterRefreshRepeat = v;
      g.explicitGarp.add(s.keyword.text);
    }
  }),
  supported('vrrp_garp_lower_prio_delay', (s, g, t) => {
    const v = t.int(s, 0, 0, 86400);
    if (v !== undefined) {
      g.garp.lowerPriorityDelay = v * 1000;
      g.garpLowerDelaySet = true;
    }
  }),
  supported('vrrp_garp_lower_prio_repeat', (s, g, t) => {
    const v = t.int(s, 0, 0, 1_000_000);
    if (v !== undefined) {
      g.garp.lowerPriorityRepeat = v;
      g.garpLowerRepeatSet = true;
    }
  }),
  supported('vrrp_garp_interval', (s, g, t) => {
    const v = t.seconds(s, 0, 0, 1);
    if (v !== undefined) g.garp.interval = v;
  }),
  supported('vrrp_gna_interval', (s, g, t) => {
    const v = t.seconds(s, 0, 0, 1);
    if (v !== undefined) g.garp.naInterval = v;
  }),
  supported('vrrp_version', (s, g, t) => {
    const v = t.int(s, 0, 2, 3);
    if (v !== undefined) g.version = v as 2 | 3;
  }),
  supported('vrrp_strict', (_s, g) => {
    g.strict = true;
  }),
  supported('vrrp_min_garp', (s, g, t) => {
    if (t.bool(s, 0, true)) g.minGarp = true;
  }),
  mcastGroup('vrrp_mcast_group4', '224.0.0.18'),
  mcastGroup('vrrp_mcast_group6', 'ff02::12'),
];

/** Accepted and without effect on VRRP behaviour (mail, SNMP, process tuning, LVS). */
const NO_EFFECT = [
  'notification_email',
  'notification_email_from',
  'smtp_server',
  'smtp_helo_name',
  'smtp_connect_timeout',
  'smtp_alert',
  'smtp_alert_vrrp',
  'smtp_alert_checker',
  'checker_log_all_failures',
  'no_email_faults',
  'lvs_sync_daemon',
  'lvs_timeouts',
  'lvs_flush',
  'lvs_flush_on_stop',
  'max_auto_priority',
  'min_auto_priority_delay',
  'vrrp_priority',
  'checker_priority',
  'bfd_priority',
  'vrrp_no_swap',
  'checker_no_swap',
  'bfd_no_swap',
  'vrrp_cpu_affinity',
  'checker_cpu_affinity',
  'bfd_cpu_affinity',
  'vrrp_rt_priority',
  'checker_rt_priority',
  'bfd_rt_priority',
  'vrrp_rlimit_rttime',
  'checker_rlimit_rttime',
  'bfd_rlimit_rttime',
  'snmp_socket',
  'enable_snmp_vrrp',
  'enable_snmp_checker',
  'enable_snmp_rfc',
  'enable_snmp_rfcv2',
  'enable_snmp_rfcv3',
  'enable_traps',
  'enable_dbus',
  'dbus_service_name',
  'process_names',
  'process_name',
  'vrrp_process_name',
  'checker_process_name',
  'bfd_process_name',
  'dynamic_interfaces',
  'vrrp_netlink_cmd_rcv_bufs',
  'vrrp_netlink_cmd_rcv_bufs_force',
  'vrrp_netlink_monitor_rcv_bufs',
  'vrrp_netlink_monitor_rcv_bufs_force',
  'lvs_netlink_cmd_rcv_bufs',
  'lvs_netlink_cmd_rcv_bufs_force',
  'lvs_netlink_monitor_rcv_bufs',
  'lvs_netlink_monitor_rcv_bufs_force',
  'process_monitor_rcv_bufs',
  'process_monitor_rcv_bufs_force',
  'vrrp_rx_bufs_policy',
  'vrrp_rx_bufs_multiplier',
  'rs_init_notifies',
  'no_checker_emails',
  'umask',
  'log_unknown_vrids',
  'random_seed',
  'reload_check_config',
  'include_check',
  'reload_time_file',
  'reload_repeat',
  'reload_file',
  'data_use_instance',
  'tmp_config_directory',
  'config_save_dir',
  'vrrp_skip_check_adv_addr',
  'vrrp_notify_priority_changes',
  'fifo_write_vrrp_states_on_reload',
  'default_interface',
  'vmac_prefix',
  'vmac_addr_prefix',
  'disable_local_igmp',
  'vrrp_check_unicast_src',
];

/** Accepted but change behaviour halb does not reproduce: warned. */
const NOT_REPRODUCED = [
  'vrrp_iptables',
  'vrrp_ipsets',
  'nftables',
  'nftables_priority',
  'nftables_counters',
  'nftables_ifindex',
  'nftables_ipvs',
  'nftables_ipvs_priority',
  'nftables_ipvs_start_fwmark',
  'vrrp_down_timer_adverts',
  'vrrp_lower_prio_no_advert',
  'vrrp_higher_prio_send_advert',
  'vrrp_garp_extra_if',
  'vrrp_vmac_garp_intvl',
  'notify_fifo',
  'notify_fifo_script',
  'vrrp_notify_fifo',
  'vrrp_notify_fifo_script',
  'lvs_notify_fifo',
  'lvs_notify_fifo_script',
  'startup_script',
  'startup_script_timeout',
  'shutdown_script',
  'shutdown_script_timeout',
  'vrrp_startup_delay',
  'net_namespace',
  'net_namespace_ipvs',
  'instance',
  'use_pid_dir',
  'linkbeat_use_polling',
  'child_wait_time',
];

// The row order is the did-you-mean order (the first of equally near keys wins).
export const GLOBAL_DEFS: KwTable<GlobalDefs> = {
  scope: 'global_defs',
  blockCheck: 'none',
  rows: [...SUPPORTED, ...ignored<GlobalDefs>(NO_EFFECT), ...unsupported<GlobalDefs>(NOT_REPRODUCED)],
};
