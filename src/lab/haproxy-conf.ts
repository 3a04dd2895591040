// Renders the haproxy.cfg the lab's halb LB nodes run next to their keepalived.conf, pure: one
// HTTP frontend on every address (so it answers on the VIP wherever the VIP lands) proxying to the
// lab's backend hosts, with HTTP health checks, as a user's haproxy.cfg in front of a VIP would.

export interface LabProxySpec {
  /** Port the frontend listens on (all addresses, the VIP included). */
  readonly port: number;
  readonly servers: ReadonlyArray<{ readonly name: string; readonly address: string; readonly port: number }>;
  /** Health check interval, ms. */
  readonly checkIntervalMs?: number;
}

export function renderHaproxyConf(p: LabProxySpec): string {
  const inter = p.checkIntervalMs ?? 500;
  return [
    '# written by the halb lab',
    'defaults',
    '    mode http',
    '    timeout connect 1s',
    '    timeout client 5s',
    '    timeout server 5s',
    '',
    'frontend fe_vip',
    `    bind *:${p.port}`,
    '    default_backend be_app',
    '',
    'backend be_app',
    '    balance roundrobin',
    '    option httpchk GET /',
    ...p.servers.map((s) => `    server ${s.name} ${s.address}:${s.port} check inter ${inter}ms fall 2 rise 1`),
    '',
  ].join('\n');
}

/**
 * A haproxy.cfg section giving a lab node halb's admin listener on `port` (all addresses):
 * scenario tests read `/metrics` from inside the node's namespace.
 */
export function renderStatsListen(port: number): string {
  return ['listen stats', `    bind *:${port}`, '    stats uri /stats', ''].join('\n');
}

/** A haproxy.cfg with nothing but the admin listener (a VRRP-only node that exports metrics). */
export function renderStatsOnlyConf(port: number): string {
  return ['# written by the halb lab', 'defaults', '    mode http', '    timeout client 5s', '', renderStatsListen(port)].join('\n');
}
