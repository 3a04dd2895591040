// Every `event` value halb writes in its JSON log lines, from one table in one case: snake_case,
// like the metric names (halb_<subsystem>_<name>) and the other log keys. Operators alert and
// filter on these strings, so a name is changed here or not at all. Lines without a row here
// (none in src/ outside the call sites named in test/unit/log/events.test.ts) are a bug.
export const EVENT = {
  // daemon lifecycle, signals, reload (src/daemon)
  started: 'started',
  stopped: 'stopped',
  signal: 'signal',
  reloaded: 'reloaded',
  /** A reload's config has errors: every diagnostic is listed, the running config keeps serving. */
  reload_rejected: 'reload_rejected',
  /** A service could not apply a valid config; the running config keeps serving. */
  reload_failed: 'reload_failed',
  config_diagnostic: 'config_diagnostic',
  /** SIGUSR1/SIGUSR2 wrote keepalived.data / keepalived.stats. */
  state_dump: 'state_dump',
  state_dump_failed: 'state_dump_failed',
  allocator_tuning: 'allocator_tuning',
  /** The descriptor budget at start (global maxconn against RLIMIT_NOFILE, docs/overload.md). */
  fd_budget: 'fd_budget',

  // data plane (src/proxy)
  access: 'access',
  listen: 'listen',
  /** A listening socket failed (bind, accept). */
  listener_error: 'listener_error',
  internal_error: 'internal_error',
  warmup: 'warmup',
  warmup_failed: 'warmup_failed',
  /** global maxconn reached: every listener paused. */
  maxconn_reached: 'maxconn_reached',
  /** A connection closed by halb itself before it was served (logged with its termination code). */
  refused: 'refused',
  /** Memory given back after a connection storm (storm-watch.ts). */
  memory_released: 'memory_released',

  // stats pages (src/admin)
  admin_listening: 'admin_listening',
  admin_error: 'admin_error',
  stats_reload_skipped: 'stats_reload_skipped',

  // health checks and DNS (src/health)
  health_check: 'health_check',
  server_state: 'server_state',
  backend_down: 'backend_down',
  server_address: 'server_address',
  server_unresolved: 'server_unresolved',
  dns_failure: 'dns_failure',
  resolvers_unknown: 'resolvers_unknown',
  health_internal_error: 'health_internal_error',
  /** A state or address listener of the health monitor threw. */
  health_listener_error: 'health_listener_error',

  // VRRP (src/vrrp, src/daemon/vrrp-service.ts, src/vip)
  vrrp_transition: 'vrrp_transition',
  vrrp_group_transition: 'vrrp_group_transition',
  vrrp_priority: 'vrrp_priority',
  vrrp_config: 'vrrp_config',
  vrrp_reload: 'vrrp_reload',
  vrrp_reload_failed: 'vrrp_reload_failed',
  /** The event loop was late for an advert (stall detection, docs/vrrp.md). */
  vrrp_stall: 'vrrp_stall',
  vrrp_rx_rejected: 'vrrp_rx_rejected',
  vrrp_tx_failed: 'vrrp_tx_failed',
  vrrp_garp_failed: 'vrrp_garp_failed',
  vrrp_vip_add_failed: 'vrrp_vip_add_failed',
  vrrp_vip_remove_failed: 'vrrp_vip_remove_failed',
  vrrp_effect_failed: 'vrrp_effect_failed',
  vrrp_vrid_conflict: 'vrrp_vrid_conflict',
  vrrp_handover_forward: 'vrrp_handover_forward',
  vrrp_stopped: 'vrrp_stopped',
  vrrp_bug: 'vrrp_bug',
  link_watch_error: 'link_watch_error',
  handover_forward_skipped: 'handover_forward_skipped',
  handover_forward_unavailable: 'handover_forward_unavailable',
  handover_forward_failed: 'handover_forward_failed',

  // tracking and notify scripts (src/track)
  track_script: 'track_script',
  track_script_error: 'track_script_error',
  track_script_insecure: 'track_script_insecure',
  track_script_refused: 'track_script_refused',
  track_script_skip: 'track_script_skip',
  track_script_user: 'track_script_user',
  track_file_init: 'track_file_init',
  track_file_invalid: 'track_file_invalid',
  track_reload: 'track_reload',
  track_listener_error: 'track_listener_error',
  notify: 'notify',
  notify_error: 'notify_error',
  script_security: 'script_security',
} as const;

export type EventName = (typeof EVENT)[keyof typeof EVENT];
