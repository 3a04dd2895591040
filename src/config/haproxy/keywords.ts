// Which haproxy.cfg keywords halb implements, which it accepts without effect, and which
// it refuses. Classification rule (issue 2): a keyword that only changes logging, tuning
// or process management is a note/warning; one whose absence would change how traffic is
// routed, rewritten or balanced is an error, because running "almost the same" proxy is
// worse than refusing to start. Pure module.

/** Accepted, no effect in halb (process management handled differently): a note. */
export const GLOBAL_NOTE = new Set([
  'log', 'log-send-hostname', 'log-tag', 'chroot', 'user', 'group', 'uid', 'gid', 'daemon', 'pidfile',
  'nbthread', 'nbproc', 'ca-base', 'crt-base', 'master-worker', 'node', 'description', 'ulimit-n',
  'setcap', 'hard-stop-after', 'quiet', 'zero-warning', 'cpu-map', 'server-state-base', 'server-state-file',
  'ssl-dh-param-file', 'ssl-engine', 'ssl-mode-async', 'ssl-server-verify', 'localpeer', 'insecure-fork-wanted',
  'expose-experimental-directives', 'noepoll', 'nopoll', 'nosplice', 'nogetaddrinfo', 'noreuseport', 'busy-polling',
]);
export const GLOBAL_NOTE_PREFIX = ['ssl-default-bind-', 'ssl-default-server-'];

/** Accepted and ignored, with a warning (tuning/limits that do not alter routing). */
export const GLOBAL_WARN = new Set([
  'spread-checks', 'maxsslconn', 'maxconnrate', 'maxsessrate', 'maxsslrate', 'maxpipes', 'max-spread-checks',
  'lua-load', 'lua-prepend-path', 'h1-case-adjust', 'h1-case-adjust-file', 'default-path', 'external-check',
  'grace', 'maxcomprate', 'maxcompcpuusage', 'unix-bind', 'set-dumpable', 'strict-limits', 'ssl-load-extra-files',
  'httpclient.resolvers.prefer', 'httpclient.ssl.verify', 'log-send-hostname',
]);
export const GLOBAL_KNOWN = ['maxconn', 'stats', 'setenv', 'presetenv', 'resetenv', 'unsetenv'];

/** `log` (global and proxy): halb has no syslog target; where its logs go instead. */
export const LOG_NOTE = 'has no effect: halb writes its logs to stdout (JSON, or text on a terminal; under systemd, to the journal), not to syslog';

/** Proxy keywords accepted with a note (no effect here). */
export const PROXY_NOTE = new Set(['log', 'description', 'bind-process', 'no log']);

/** Proxy keywords ignored with a warning: logging, capture, tuning. */
export const PROXY_WARN: Record<string, string> = {
  'log-format': 'halb writes its own JSON access log',
  'log-format-sd': 'halb writes its own JSON access log',
  'error-log-format': 'halb writes its own JSON access log',
  'log-tag': 'halb writes its own JSON access log',
  capture: 'header capture is not supported; only logging is affected',
  'declare capture': 'header capture is not supported; only logging is affected',
  'unique-id-format': 'unique request ids are not supported yet',
  'unique-id-header': 'unique request ids are not supported yet',
  id: 'numeric proxy ids are not used by halb',
  fullconn: 'dynamic maxconn is not supported',
  backlog: 'the OS default listen backlog is used',
  'http-reuse': 'halb pools idle server connections on its own terms',
  'max-keep-alive-queue': 'not used by halb',
  'email-alert': 'e-mail alerts are not supported; use the logs',
  'load-server-state-from-file': 'server state files are not used; halb carries state over on reload',
  'server-state-file-name': 'server state files are not used; halb carries state over on reload',
  'retry-on': "halb retries connection failures (refused/reset/timeout) before any response byte",
  grace: 'not used by halb',
  'hash-balance-factor': 'bounded-load consistent hashing is not supported',
  guid: 'not used by halb',
  monitor: "'monitor' rules are not supported",
};

/** Proxy keywords refused: ignoring them would route, rewrite or persist traffic differently. */
export const PROXY_ERROR: Record<string, string> = {
  acl: 'ACLs are not supported (halb routes every connection of a frontend to its default_backend)',
  use_backend: 'content switching is not supported; use one frontend per backend with default_backend',
  'use-server': 'server selection rules are not supported',
  'http-request': 'http-request rules are not supported',
  'http-response': 'http-response rules are not supported',
  'http-after-response': 'http-after-response rules are not supported',
  'http-error': 'http-error rules are not supported; use errorfile',
  'tcp-request': 'tcp-request rules are not supported',
  'tcp-response': 'tcp-response rules are not supported',
  'stick-table': 'stick tables are not supported',
  stick: 'stickiness is not supported',
  'stick on': 'stickiness is not supported',
  'stick match': 'stickiness is not supported',
  'stick store-request': 'stickiness is not supported',
  'stick store-response': 'stickiness is not supported',
  redirect: 'redirects are not supported',
  cookie: 'cookie persistence is not supported; consider balance source',
  'dynamic-cookie-key': 'cookie persistence is not supported',
  persist: 'persistence is not supported',
  'force-persist': 'persistence is not supported',
  'ignore-persist': 'persistence is not supported',
  compression: 'HTTP compression is not supported',
  filter: 'filters are not supported',
  source: 'setting the source address of server connections is not supported',
  dispatch: "'dispatch' is not supported; use a server line",
  'rate-limit': 'session rate limits are not supported',
  'server-template': 'server templates are not supported; list servers one by one',
  'monitor-uri': 'monitor-uri is not supported (it answers requests itself)',
  'monitor-net': 'monitor-net is not supported',
  errorloc: 'errorloc redirects are not supported; use errorfile',
  errorloc302: 'errorloc redirects are not supported; use errorfile',
  errorloc303: 'errorloc redirects are not supported; use errorfile',
  errorfiles: "'errorfiles' (http-errors sections) is not supported; use errorfile",
  'http-send-name-header': 'the server-name header is not supported',
  'external-check': 'external checks are not supported',
  disabled: "a disabled proxy is not supported; remove the section instead",
  enabled: "'enabled' is not supported",
  reqadd: 'removed in HAProxy 2.1 and not supported', reqrep: 'removed in HAProxy 2.1 and not supported',
  rspadd: 'removed in HAProxy 2.1 and not supported', rsprep: 'removed in HAProxy 2.1 and not supported',
  reqdel: 'removed in HAProxy 2.1 and not supported', rspdel: 'removed in HAProxy 2.1 and not supported',
};

// Implemented proxy keywords are the rows of PROXY_KEYWORDS in load.ts.

export const OPTIONS_IMPLEMENTED = [
  'allbackups', 'redispatch', 'httpchk', 'tcp-check', 'ssl-hello-chk', 'forwardfor', 'httplog', 'tcplog',
  'dontlognull', 'http-server-close',
];

export const OPTION_WARN: Record<string, string> = {
  'http-keep-alive': 'keep-alive is already halb\'s default in http mode',
  'log-health-checks': 'halb always logs health check transitions',
  tcpka: 'TCP keep-alive probes are not configurable yet',
  clitcpka: 'TCP keep-alive probes are not configurable yet',
  srvtcpka: 'TCP keep-alive probes are not configurable yet',
  'splice-auto': 'splicing is a kernel optimisation halb does not use',
  'splice-request': 'splicing is a kernel optimisation halb does not use',
  'splice-response': 'splicing is a kernel optimisation halb does not use',
  contstats: 'not used by halb',
  'socket-stats': 'not used by halb',
  'log-separate-errors': 'log levels are fixed in halb',
  logasap: 'halb logs when a session ends',
  abortonclose: 'not supported; aborted requests are forwarded until the server answers',
  httpclose: 'not supported; connections are kept alive',
  'http-buffer-request': 'not supported: request bodies are streamed to the server as they arrive, so a slow body holds a server connection until timeout client; see docs/overload-slow-clients.md',
  'http-pretend-keepalive': 'not used by halb',
  checkcache: 'not supported',
  'independent-streams': 'not used by halb',
  nolinger: 'not used by halb',
  'http-ignore-probes': 'not used by halb',
  'dontlog-normal': 'every session is logged',
  'accept-invalid-http-request': 'halb rejects invalid requests with 400',
  'accept-invalid-http-response': 'halb rejects invalid responses with 502',
  'prefer-last-server': 'not supported',
  'http-no-delay': 'not used by halb',
  'disable-h2-upgrade': 'halb does not speak HTTP/2',
  'idle-close-on-response': 'not used by halb',
  'tcp-smart-accept': 'not used by halb',
  'tcp-smart-connect': 'not used by halb',
  'log-health-check': 'halb always logs health check transitions',
  'h1-case-adjust-bogus-client': 'not supported',
  'h1-case-adjust-bogus-server': 'not supported',
};

export const OPTION_ERROR: Record<string, string> = {
  transparent: 'transparent proxying is not supported',
  'http-use-proxy-header': 'not supported',
  http_proxy: 'forward proxy mode is not supported',
  originalto: 'the X-Original-To header is not supported',
  smtpchk: 'SMTP checks are not supported; use tcp-check',
  'mysql-check': 'MySQL checks are not supported; use tcp-check',
  'pgsql-check': 'PostgreSQL checks are not supported; use tcp-check',
  'redis-check': 'Redis checks are not supported; use tcp-check',
  'ldap-check': 'LDAP checks are not supported; use tcp-check',
  'spop-check': 'SPOP checks are not supported',
  'external-check': 'external checks are not supported',
  'http-restrict-req-hdr-names': 'not supported',
  persist: 'persistence is not supported',
};

export const TIMEOUTS_IMPLEMENTED = ['connect', 'client', 'server', 'check', 'http-request', 'http-keep-alive', 'queue', 'tunnel'];
export const TIMEOUT_WARN: Record<string, string> = {
  'client-fin': 'half-closed connections follow timeout client',
  'server-fin': 'half-closed connections follow timeout server',
  tarpit: 'tarpit is not supported',
};

export const SERVER_KNOWN = [
  'check', 'no-check', 'backup', 'no-backup', 'disabled', 'enabled', 'weight', 'inter', 'fastinter', 'downinter',
  'fall', 'rise', 'port', 'check-ssl', 'no-check-ssl', 'verify', 'maxconn', 'maxqueue', 'resolvers', 'init-addr',
];
/** Server keywords taking an argument that halb ignores with a warning. */
export const SERVER_WARN_ARG: Record<string, string> = {
  'check-sni': 'the SNI of TLS checks is not configurable yet',
  cookie: 'cookie persistence is not supported',
  id: 'numeric server ids are not used by halb',
  slowstart: 'slow start is not supported; a server gets its full weight when it comes up',
  minconn: 'dynamic maxconn is not supported',
  observe: 'halb always observes connection errors',
  'error-limit': 'halb marks a server down after consecutive connection errors on its own terms',
  'on-error': 'not supported',
  'on-marked-down': 'not supported',
  'on-marked-up': 'not supported',
  'resolve-prefer': 'halb uses the first address the resolver returns',
  'resolve-opts': 'not supported',
  'resolve-net': 'not supported',
  'check-alpn': 'not used by halb',
  alpn: 'not used by halb',
  'crl-file': 'revocation lists are not checked',
  crt: 'client certificates are not supported',
  'pool-max-conn': 'halb pools idle server connections on its own terms',
  'pool-purge-delay': 'halb pools idle server connections on its own terms',
  'pool-low-conn': 'halb pools idle server connections on its own terms',
  'max-reuse': 'halb pools idle server connections on its own terms',
  'agent-port': 'agent checks are not supported',
  'agent-inter': 'agent checks are not supported',
  'agent-addr': 'agent checks are not supported',
  'agent-send': 'agent checks are not supported',
  'ssl-min-ver': 'not used for checks',
  'ssl-max-ver': 'not used for checks',
  ciphers: 'not used for checks',
  ciphersuites: 'not used for checks',
  proto: 'not used by halb',
  'check-proto': 'not used by halb',
  namespace: 'network namespaces per server are not supported',
};
export const SERVER_WARN_FLAG: Record<string, string> = {
  'agent-check': 'agent checks are not supported',
  'no-agent-check': '',
  tfo: 'not used by halb',
  'no-sslv3': 'not used for checks', 'no-tlsv10': 'not used for checks', 'no-tlsv11': 'not used for checks',
  'no-tlsv12': 'not used for checks', 'no-tlsv13': 'not used for checks', 'no-tls-tickets': 'not used for checks',
  'force-tlsv12': 'not used for checks', 'force-tlsv13': 'not used for checks', 'allow-0rtt': 'not used by halb',
  'no-ssl-reuse': 'not used by halb', 'check-via-socks4': 'not supported', 'non-stick': '', stick: '',
};
export const SERVER_ERROR: Record<string, string> = {
  ssl: 'TLS to servers is not supported (TLS passes through in tcp mode; use check-ssl for TLS checks)',
  'send-proxy': 'the PROXY protocol is not supported',
  'send-proxy-v2': 'the PROXY protocol is not supported',
  'send-proxy-v2-ssl': 'the PROXY protocol is not supported',
  'send-proxy-v2-ssl-cn': 'the PROXY protocol is not supported',
  'check-send-proxy': 'the PROXY protocol is not supported',
  track: 'tracking another server\'s state is not supported',
  redir: 'redirecting to a server is not supported',
  source: 'setting the source address of server connections is not supported',
  addr: 'checking another address than the server\'s is not supported',
  'proxy-v2-options': 'the PROXY protocol is not supported',
  sni: 'TLS to servers is not supported',
  ws: 'not supported',
  'ca-file': "CA files are not supported yet: halb verifies check certificates against the system CA store only (use 'verify none', or verify: required in halb.yaml for the system store)",
};

/** bind options: flags/arg options ignored with a warning, or refused. */
export const BIND_WARN_ARG: Record<string, string> = {
  name: 'listener names are not used by halb',
  id: 'listener ids are not used by halb',
  interface: 'binding to an interface is not supported; bind to its address',
  backlog: 'the OS default listen backlog is used',
  maxconn: 'per-listener maxconn is not supported; use the frontend maxconn',
  mss: 'not supported', nice: 'not used by halb', process: 'not used by halb', thread: 'not used by halb',
  'tcp-ut': 'not supported', mode: 'unix socket options are not used', user: 'unix socket options are not used',
  group: 'unix socket options are not used', uid: 'unix socket options are not used', gid: 'unix socket options are not used',
  level: 'not used by halb', 'severity-output': 'not used by halb', alpn: 'not used by halb (no TLS termination)',
};
export const BIND_WARN_FLAG: Record<string, string> = {
  v4v6: "'::' already accepts IPv4 on Linux by default", v6only: 'not supported',
  'defer-accept': 'not used by halb', tfo: 'not used by halb', transparent: 'transparent binding is not supported',
  'accept-netscaler-cip': 'not supported',
};
export const BIND_ERROR: Record<string, string> = {
  ssl: 'TLS termination is not supported (pass TLS through in tcp mode)',
  crt: 'TLS termination is not supported (pass TLS through in tcp mode)',
  'crt-list': 'TLS termination is not supported (pass TLS through in tcp mode)',
  'accept-proxy': 'the PROXY protocol is not supported',
  quic: 'QUIC is not supported',
  namespace: 'network namespaces per listener are not supported',
};

/** Other section kinds halb skips with a warning. */
export const OTHER_SECTIONS = new Set([
  'userlist', 'peers', 'mailers', 'program', 'http-errors', 'cache', 'ring', 'log-forward', 'fcgi-app', 'crt-store',
  'traces',
]);
export const PROXY_SECTIONS = ['global', 'defaults', 'frontend', 'backend', 'listen', 'resolvers'];
