// haproxy.cfg -> model with HAProxy's semantics and defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_DEFAULTS, errors, expectDiag, haproxy, haproxyFull } from './helpers.js';

test('HAProxy defaults: inter 2000, rise 2, fall 3, weight 1, retries 3, roundrobin, tcp, init-addr last,libc', () => {
  const { lb, diags } = haproxy(`backend be
    server s1 10.0.0.1:80
`);
  assert.deepEqual(errors(diags), []);
  const be = lb.backends[0]!;
  assert.equal(be.mode, 'tcp');
  assert.deepEqual(be.balance, { algo: 'roundrobin', hashType: 'map-based' });
  assert.equal(be.retries, 3);
  assert.equal(be.allBackups, false);
  assert.equal(be.redispatch, false);
  assert.deepEqual(be.healthCheck, { type: 'tcp' });
  assert.deepEqual(be.timeouts, {});
  const s = be.servers[0]!;
  assert.deepEqual(
    { ...s, pos: undefined },
    {
      name: 's1',
      address: '10.0.0.1',
      port: 80,
      weight: 1,
      backup: false,
      disabled: false,
      check: false,
      checkSsl: false,
      verify: 'required',
      inter: 2000,
      rise: 2,
      fall: 3,
      initAddr: ['last', 'libc'],
      pos: undefined,
    },
  );
  assert.deepEqual(s.pos, { file: 'h.cfg', line: 2, col: 5 });
});

test('server parameters and time units', () => {
  const { lb, diags } = haproxy(`backend be
    server s1 10.0.0.1:80 check inter 500ms fastinter 100 downinter 1m rise 5 fall 1 weight 0 backup disabled port 8080 check-ssl verify none maxconn 50 maxqueue 7 init-addr none,10.9.9.9
    server s2 [fd00::1]:443 check inter 1500us
`);
  assert.deepEqual(errors(diags), []);
  const [s1, s2] = lb.backends[0]!.servers;
  assert.equal(s1!.inter, 500);
  assert.equal(s1!.fastinter, 100);
  assert.equal(s1!.downinter, 60_000);
  assert.equal(s1!.rise, 5);
  assert.equal(s1!.fall, 1);
  assert.equal(s1!.weight, 0);
  assert.equal(s1!.backup, true);
  assert.equal(s1!.disabled, true);
  assert.equal(s1!.checkPort, 8080);
  assert.equal(s1!.checkSsl, true);
  assert.equal(s1!.verify, 'none');
  assert.equal(s1!.maxconn, 50);
  assert.equal(s1!.maxqueue, 7);
  assert.deepEqual(s1!.initAddr, ['none', { ip: '10.9.9.9' }]);
  assert.equal(s2!.address, 'fd00::1');
  assert.equal(s2!.port, 443);
  assert.equal(s2!.inter, 1.5);
});

test('server given by host name sets hostname; resolvers section with HAProxy defaults', () => {
  const { lb, diags } = haproxy(`resolvers dns
    nameserver ns1 10.0.0.53:53
    nameserver ns2 10.0.0.54
    hold valid 5s
    timeout retry 2s
    resolve_retries 4
backend be
    server api api.internal.example:6443 check resolvers dns init-addr last,libc,none
`);
  assert.deepEqual(errors(diags), []);
  const s = lb.backends[0]!.servers[0]!;
  assert.equal(s.address, 'api.internal.example');
  assert.equal(s.hostname, 'api.internal.example');
  assert.equal(s.resolvers, 'dns');
  assert.deepEqual(s.initAddr, ['last', 'libc', 'none']);
  const r = lb.resolvers[0]!;
  assert.deepEqual(r.nameservers, [
    { name: 'ns1', address: '10.0.0.53', port: 53 },
    { name: 'ns2', address: '10.0.0.54', port: 53 },
  ]);
  assert.equal(r.resolveRetries, 4);
  assert.equal(r.timeoutRetry, 2000);
  assert.deepEqual(r.hold, { valid: 5000, nx: 30_000, other: 30_000, refused: 30_000, timeout: 30_000 });
});

test('default-server applies to the servers that follow it; server lines override', () => {
  const { lb } = haproxy(`defaults
    default-server inter 3s fall 5
backend be
    server a 10.0.0.1:80 check
    default-server rise 4 check-ssl verify none
    server b 10.0.0.2:80 check fall 2
`);
  const [a, b] = lb.backends[0]!.servers;
  assert.deepEqual([a!.inter, a!.fall, a!.rise, a!.checkSsl], [3000, 5, 2, false]);
  assert.deepEqual([b!.inter, b!.fall, b!.rise, b!.checkSsl, b!.verify], [3000, 2, 4, true, 'none']);
});

test('each defaults section resets the previous one; proxies take the last one above them or the named one', () => {
  const { lb, diags } = haproxy(`defaults first
    mode http
    timeout connect 1s
    retries 5
backend a
    server s 10.0.0.1:80
defaults
    timeout connect 2s
backend b
    server s 10.0.0.1:80
backend c from first
    server s 10.0.0.1:80
defaults child from first
    timeout server 9s
backend d
    server s 10.0.0.1:80
`);
  assert.deepEqual(errors(diags), []);
  const [a, b, c, d] = lb.backends;
  assert.deepEqual([a!.mode, a!.timeouts.connect, a!.retries], ['http', 1000, 5]);
  assert.deepEqual([b!.mode, b!.timeouts.connect, b!.retries], ['tcp', 2000, 3]);
  assert.deepEqual([c!.mode, c!.timeouts.connect, c!.retries], ['http', 1000, 5]);
  assert.deepEqual([d!.mode, d!.timeouts.connect, d!.timeouts.server, d!.retries], ['http', 1000, 9000, 5]);
});

test('timeouts go to the side that uses them; options inherit from defaults and `no option` clears them', () => {
  const { lb, diags } = haproxy(`defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    timeout http-keep-alive 2s
    timeout queue 1m
    timeout tunnel 1h
    timeout check 2s
    option redispatch
    option forwardfor except 127.0.0.0/8
    option httplog
    option dontlognull
    option http-server-close
    maxconn 1000
frontend fe
    bind *:80
    bind 10.0.0.1:8080,:::8443
    no option http-server-close
    default_backend be
backend be
    option allbackups
    no option redispatch
    option forwardfor header X-Real-IP
    server s 10.0.0.1:80
`);
  assert.deepEqual(errors(diags), []);
  const fe = lb.frontends[0]!;
  assert.deepEqual(fe.timeouts, { client: 30_000, httpRequest: 10_000, httpKeepAlive: 2000 });
  assert.deepEqual(
    fe.binds.map((b) => [b.address, b.port, b.pos!.line]),
    [
      ['0.0.0.0', 80, 18],
      ['10.0.0.1', 8080, 19],
      ['::', 8443, 19],
    ],
  );
  assert.deepEqual(fe.forwardFor, { header: 'X-Forwarded-For', except: '127.0.0.0/8' });
  assert.deepEqual(fe.log, { httplog: true, tcplog: false, dontlognull: true });
  assert.equal(fe.httpServerClose, false);
  assert.equal(fe.maxconn, 1000);
  const be = lb.backends[0]!;
  assert.deepEqual(be.timeouts, { connect: 5000, server: 30_000, httpRequest: 10_000, httpKeepAlive: 2000, queue: 60_000, tunnel: 3_600_000, check: 2000 });
  assert.equal(be.redispatch, false);
  assert.equal(be.allBackups, true);
  assert.equal(be.httpServerClose, true);
  assert.deepEqual(be.forwardFor, { header: 'X-Real-IP' });
});

test('option httpchk forms and http-check expect', () => {
  const chk = (lines: string) => haproxy(`backend be\n${lines}\n    server s 10.0.0.1:80 check\n`);
  assert.deepEqual(chk('    option httpchk').lb.backends[0]!.healthCheck, { type: 'http', method: 'OPTIONS', uri: '/', version: 'HTTP/1.0' });
  assert.deepEqual(chk('    option httpchk /ping').lb.backends[0]!.healthCheck, { type: 'http', method: 'OPTIONS', uri: '/ping', version: 'HTTP/1.0' });
  assert.deepEqual(chk('    option httpchk GET /healthz').lb.backends[0]!.healthCheck, { type: 'http', method: 'GET', uri: '/healthz', version: 'HTTP/1.0' });
  assert.deepEqual(chk('    option httpchk HEAD /h HTTP/1.1\\r\\nHost:\\ api.local').lb.backends[0]!.healthCheck, {
    type: 'http',
    method: 'HEAD',
    uri: '/h',
    version: 'HTTP/1.1',
    host: 'api.local',
  });
  assert.deepEqual(chk('    option httpchk\n    http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host k8s').lb.backends[0]!.healthCheck, {
    type: 'http',
    method: 'GET',
    uri: '/readyz',
    version: 'HTTP/1.1',
    host: 'k8s',
  });
  assert.deepEqual(chk('    option httpchk GET /\n    http-check expect ! rstatus ^5').lb.backends[0]!.healthCheck, {
    type: 'http',
    method: 'GET',
    uri: '/',
    version: 'HTTP/1.0',
    expect: { negate: true, kind: 'rstatus', value: '^5' },
  });
  assert.deepEqual(chk('    option httpchk GET /\n    http-check expect status 200-399').lb.backends[0]!.healthCheck, {
    type: 'http',
    method: 'GET',
    uri: '/',
    version: 'HTTP/1.0',
    expect: { negate: false, kind: 'status', value: '200-399' },
  });
});

test('option ssl-hello-chk and tcp-check steps; a later check option replaces an earlier one', () => {
  assert.deepEqual(haproxy('backend be\n    option httpchk\n    option ssl-hello-chk\n').lb.backends[0]!.healthCheck, { type: 'ssl-hello' });
  const { lb, diags } = haproxy(`backend be
    option tcp-check
    tcp-check connect port 6379 ssl
    tcp-check send "PING\\r\\n"
    tcp-check expect string +PONG
    tcp-check send-binary 0A0b
    tcp-check expect ! rstring ^-ERR
    tcp-check expect binary 00ff
`);
  assert.deepEqual(errors(diags), []);
  assert.deepEqual(lb.backends[0]!.healthCheck, {
    type: 'tcp-check',
    steps: [
      { kind: 'connect', port: 6379, ssl: true },
      { kind: 'send', data: 'PING\r\n' },
      { kind: 'expect', negate: false, match: 'string', pattern: '+PONG' },
      { kind: 'send-binary', hex: '0a0b' },
      { kind: 'expect', negate: true, match: 'rstring', pattern: '^-ERR' },
      { kind: 'expect', negate: false, match: 'binary', pattern: '00ff' },
    ],
  });
});

test("tcp-check rules of a defaults section are replaced by a proxy's own", () => {
  const { lb } = haproxy(`defaults
    option tcp-check
    tcp-check send a
backend x
backend y
    tcp-check send b
`);
  assert.deepEqual(lb.backends[0]!.healthCheck, { type: 'tcp-check', steps: [{ kind: 'send', data: 'a' }] });
  assert.deepEqual(lb.backends[1]!.healthCheck, { type: 'tcp-check', steps: [{ kind: 'send', data: 'b' }] });
});

test('balance algorithms and hash-type', () => {
  for (const algo of ['roundrobin', 'static-rr', 'leastconn', 'source', 'first', 'random']) {
    assert.equal(haproxy(`backend be\n    balance ${algo}\n`).lb.backends[0]!.balance.algo, algo);
  }
  assert.deepEqual(haproxy('backend be\n    balance source\n    hash-type consistent\n').lb.backends[0]!.balance, { algo: 'source', hashType: 'consistent' });
  assert.equal(haproxy('backend be\n    balance random(2)\n').lb.backends[0]!.balance.algo, 'random');
});

test('listen is a frontend plus a backend of the same name; legacy listen address', () => {
  const { lb, diags } = haproxy(`defaults
    timeout client 1s
    timeout connect 1s
listen api
    bind :6443
    balance leastconn
    server s1 10.0.0.1:6443 check
listen old 127.0.0.1:9000
    server s1 10.0.0.2:9000
`);
  assert.deepEqual(errors(diags), []);
  assert.deepEqual(
    lb.frontends.map((f) => [f.name, f.defaultBackend, f.binds.map((b) => `${b.address}:${b.port}`).join(), f.timeouts.client]),
    [
      ['api', 'api', '0.0.0.0:6443', 1000],
      ['old', 'old', '127.0.0.1:9000', 1000],
    ],
  );
  assert.deepEqual(
    lb.backends.map((b) => [b.name, b.balance.algo, b.servers.length, b.timeouts.connect]),
    [
      ['api', 'leastconn', 1, 1000],
      ['old', 'roundrobin', 1, 1000],
    ],
  );
});

test('listen stats with stats enable|uri|auth|refresh|hide-version; stats socket in global', () => {
  const { lb, diags } = haproxy(`global
    stats socket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners
    stats timeout 30s
listen stats
    bind 127.0.0.1:8404
    mode http
    stats enable
    stats uri /monitor
    stats auth admin:s3cr:et
    stats auth ops:x
    stats refresh 5s
    stats hide-version
    stats realm HAProxy
`);
  assert.deepEqual(errors(diags), []);
  assert.deepEqual(lb.global.statsSocket, { path: '/run/haproxy/admin.sock', level: 'admin', pos: { file: 'h.cfg', line: 2, col: 5 } });
  assert.equal(lb.frontends.length, 0);
  assert.equal(lb.backends.length, 0);
  const s = lb.stats[0]!;
  assert.deepEqual(
    { ...s, pos: undefined, binds: s.binds.map((b) => ({ ...b, pos: undefined })) },
    {
      name: 'stats',
      binds: [{ address: '127.0.0.1', port: 8404, pos: undefined }],
      uri: '/monitor',
      auth: [
        { user: 'admin', password: 's3cr:et' },
        { user: 'ops', password: 'x' },
      ],
      refresh: 5000,
      hideVersion: true,
      timeouts: {},
      pos: undefined,
    },
  );
  expectDiag(diags, 'note', 3, 'stats timeout', /^has no effect in halb; accepted$/);
  expectDiag(diags, 'warning', 13, 'stats realm', /ignored/);
  assert.equal(haproxy('listen s\n    bind :1\n    stats enable\n').lb.stats[0]!.uri, '/haproxy?stats');
});

test('a stats section takes its client-side timeouts (own or from defaults) for the admin listener', () => {
  const { lb, diags } = haproxy(`defaults
    mode http
    timeout client 20s
    timeout connect 1s
listen stats
    bind 127.0.0.1:8404
    stats enable
    timeout http-request 2s
    timeout http-keep-alive 1s
`);
  assert.deepEqual(errors(diags), []);
  assert.deepEqual(lb.stats[0]!.timeouts, { client: 20_000, httpRequest: 2000, httpKeepAlive: 1000 });
});

test('option http-buffer-request is refused with a warning that says why', () => {
  const { lb, diags } = haproxy(`defaults
    mode http
frontend fe
    bind :80
    option http-buffer-request
    default_backend be
backend be
    server s1 127.0.0.1:8080
`);
  assert.deepEqual(errors(diags), []);
  assert.equal(lb.frontends.length, 1);
  expectDiag(diags, 'warning', 5, 'option http-buffer-request', /^ignored: not supported: request bodies are streamed to the server as they arrive, so a slow body holds a server connection/);
});

test('errorfile is read at load time', () => {
  const body = 'HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/html\r\n\r\n<h1>down</h1>\n';
  const { lb, diags } = haproxy('frontend fe\n    bind :80\n    errorfile 503 /e/503.http\nbackend be\n    errorfile 503 /e/503.http\n', { '/e/503.http': body });
  assert.deepEqual(errors(diags), []);
  assert.deepEqual(lb.frontends[0]!.errorFiles[503], { path: '/e/503.http', content: body });
  assert.deepEqual(lb.backends[0]!.errorFiles[503], { path: '/e/503.http', content: body });
  const bad = haproxy('backend be\n    errorfile 503 /e/x\n', { '/e/x': '<h1>not http</h1>' });
  expectDiag(bad.diags, 'error', 2, 'errorfile', /complete HTTP response/);
});

test('notes for directives without effect, warnings for harmless unknowns', () => {
  const { diags } = haproxy(`global
    log /dev/log local0
    chroot /var/lib/haproxy
    user haproxy
    group haproxy
    daemon
    pidfile /run/haproxy.pid
    nbthread 4
    ca-base /etc/ssl/certs
    crt-base /etc/ssl/private
    ssl-default-bind-ciphers ECDHE
    ssl-default-bind-options no-sslv3
    maxconn 4000
defaults
    log global
    option http-keep-alive
    log-format "%ci"
frontend fe
    bind :80
    capture request header Host len 32
    default_backend be
backend be
    option log-health-checks
    server s 10.0.0.1:80 check slowstart 10s
`);
  assert.deepEqual(errors(diags), []);
  const notes = diags.filter((d) => d.severity === 'note').map((d) => d.line);
  assert.deepEqual(notes, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15]);
  const warnings = diags.filter((d) => d.severity === 'warning').map((d) => [d.line, d.directive]);
  assert.deepEqual(warnings, [
    [16, 'option http-keep-alive'],
    [17, 'log-format'],
    [20, 'capture'],
    [23, 'option log-health-checks'],
    [24, 'server'],
  ]);
});

test('${VAR} expansion in quotes feeds binds and servers; setenv in global', () => {
  const { lb, diags } = haproxy(
    `global
    setenv BE_PORT 6443
frontend fe
    bind "\${VIP}:\${PORT}"
backend be
    server s1 "10.0.0.1:\${BE_PORT}"
`,
    {},
    { VIP: '10.0.0.10', PORT: '443' },
  );
  assert.deepEqual(errors(diags), []);
  assert.deepEqual([lb.frontends[0]!.binds[0]!.address, lb.frontends[0]!.binds[0]!.port], ['10.0.0.10', 443]);
  assert.equal(lb.backends[0]!.servers[0]!.port, 6443);
});

test('check-ssl without verify none is refused, as HAProxy does without a CA file', () => {
  const r = haproxyFull(`backend be
    server s 10.0.0.1:443 check check-ssl
`);
  expectDiag(r.diagnostics, 'error', 2, 'server', /verify is enabled by default but no CA file is given; add 'verify none'/);
  const ca = haproxyFull(`backend be
    server s 10.0.0.1:443 check check-ssl ca-file /etc/ssl/k8s-ca.pem
`);
  expectDiag(ca.diagnostics, 'error', 2, 'server', /CA files are not supported yet/);
  const tcpSsl = haproxyFull(`backend be
    option tcp-check
    tcp-check connect ssl
    server s 10.0.0.1:443 check
`);
  expectDiag(tcpSsl.diagnostics, 'error', 4, 'server', /'tcp-check connect ssl' verifies certificates but no CA file/);
  const ok = haproxyFull(`global
    ssl-server-verify none
backend be
    server s 10.0.0.1:443 check check-ssl
`);
  assert.deepEqual(errors(ok.diagnostics), []);
  assert.equal(ok.config!.backends[0]!.servers[0]!.verify, 'none');
});

test('warnings for missing timeouts, frontend without default_backend', () => {
  const r = haproxyFull(`frontend fe
    bind :80
backend be
    server s 10.0.0.1:443 check
`);
  assert.ok(r.config, 'warnings do not refuse the config');
  expectDiag(r.diagnostics, 'warning', 1, 'frontend', /no default_backend/);
  expectDiag(r.diagnostics, 'warning', 1, 'frontend', /no 'timeout client'/);
  expectDiag(r.diagnostics, 'warning', 3, 'backend', /lacks 'timeout connect' or 'timeout server'/);
});

test('a valid config loads frozen', () => {
  const r = haproxyFull(`${BASE_DEFAULTS}frontend fe
    bind :80
    default_backend be
backend be
    server s 10.0.0.1:80
`);
  assert.ok(r.config);
  assert.deepEqual(errors(r.diagnostics), []);
  assert.ok(Object.isFrozen(r.config));
  assert.ok(Object.isFrozen(r.config.backends[0]!.servers[0]));
  assert.throws(() => {
    (r.config!.backends[0]!.servers[0] as { weight: number }).weight = 9;
  }, TypeError);
});

test('timeout 0 means no timeout, as in HAProxy', () => {
  const { lb, diags } = haproxy('defaults\n    timeout server 0\nbackend be\n');
  assert.deepEqual(lb.backends[0]!.timeouts, {});
  expectDiag(diags, 'note', 2, 'timeout server', /no timeout/);
});

test('log (global and proxy) is a note that says where halb logs go: stdout, not syslog', () => {
  const { diags } = haproxy('global\n  log /dev/log local0\n\nfrontend web\n  bind 127.0.0.1:80\n  log global\n  default_backend app\n\nbackend app\n  server s1 127.0.0.1:81\n');
  const logs = diags.filter((d) => d.directive === 'log');
  assert.deepEqual(
    logs.map((d) => [d.severity, d.line]),
    [
      ['note', 2],
      ['note', 6],
    ],
  );
  for (const d of logs) assert.match(d.message, /stdout .*journal.*not to syslog/);
});

test('option redispatch <interval>: the interval is ignored with a warning that says what halb does', () => {
  const { lb, diags } = haproxy(`backend be
    option redispatch 3
    server s 10.0.0.1:80
`);
  assert.deepEqual(errors(diags), []);
  // src/proxy/dispatch.ts sends every retry to another server.
  expectDiag(diags, 'warning', 2, undefined, /^redispatch interval ignored: halb redispatches on every retry \(interval 1\)$/);
  assert.equal(lb.backends[0]!.redispatch, true);
});
