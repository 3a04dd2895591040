// Every haproxy.cfg problem is reported with its file:line and directive, and loading
// carries on to collect the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_DEFAULTS, errors, expectDiag, haproxyFull } from './helpers.js';
import type { Severity } from '../../../src/config/diagnostics.js';

// BASE_DEFAULTS is 5 lines; the frontend below starts on line 6.
const FE = `${BASE_DEFAULTS}frontend fe
    bind :80
    default_backend be
backend be
`;
// Lines 6-9 above; the case's own lines start at line 10.
const L = 10;

interface Case {
  name: string;
  body: string;
  severity: Severity;
  line: number;
  directive: string | undefined;
  message: RegExp;
  hint?: RegExp;
  prefix?: string;
}

const cases: Case[] = [
  { name: 'misspelled keyword', body: '    balnce roundrobin\n', severity: 'error', line: L, directive: 'balnce', message: /unknown keyword 'balnce'/, hint: /did you mean 'balance'/ },
  { name: 'misspelled section name', body: 'frontedn web\n', severity: 'error', line: L, directive: 'frontedn', message: /unknown keyword 'frontedn'/, hint: /did you mean 'frontend'/ },
  { name: 'unknown balance algorithm', body: '    balance roundrobn\n', severity: 'error', line: L, directive: 'balance', message: /unknown balance algorithm/, hint: /roundrobin/ },
  { name: 'balance uri unsupported', body: '    balance uri\n', severity: 'error', line: L, directive: 'balance', message: /balance 'uri' is not supported/ },
  { name: 'unknown server option', body: '    server s1 10.0.0.1:80 chek\n', severity: 'error', line: L, directive: 'server', message: /unknown server option 'chek'/, hint: /'check'/ },
  { name: 'server without port', body: '    server s1 10.0.0.1\n', severity: 'error', line: L, directive: 'server', message: /has no port/ },
  { name: 'server port out of range', body: '    server s1 10.0.0.1:65536\n', severity: 'error', line: L, directive: 'server', message: /out of range/ },
  { name: 'server invalid host', body: '    server s1 bad_host!:80\n', severity: 'error', line: L, directive: 'server', message: /neither an IP address nor a valid host name/ },
  { name: 'weight out of range', body: '    server s1 10.0.0.1:80 weight 300\n', severity: 'error', line: L, directive: 'server', message: /weight: 300 is out of range/ },
  { name: 'bad time unit', body: '    server s1 10.0.0.1:80 check inter 2sec\n', severity: 'error', line: L, directive: 'server', message: /invalid time '2sec'/ },
  { name: 'rise 0', body: '    server s1 10.0.0.1:80 rise 0\n', severity: 'error', line: L, directive: 'server', message: /rise: 0 is out of range/ },
  { name: 'server ssl (TLS to server)', body: '    server s1 10.0.0.1:443 ssl\n', severity: 'error', line: L, directive: 'server', message: /TLS to servers is not supported/ },
  { name: 'send-proxy', body: '    server s1 10.0.0.1:443 send-proxy\n', severity: 'error', line: L, directive: 'server', message: /PROXY protocol/ },
  {
    name: 'duplicate server name',
    body: '    server s1 10.0.0.1:80\n    server s1 10.0.0.2:80\n',
    severity: 'error',
    line: L + 1,
    directive: 'server',
    message: /server name 's1' is already used.*h\.cfg:10/,
  },
  {
    name: 'unknown resolvers',
    body: '    server s1 api.example.com:80 resolvers dnz\nresolvers dns\n    nameserver ns1 10.0.0.53:53\n',
    severity: 'error',
    line: L,
    directive: 'server',
    message: /resolvers section 'dnz' does not exist/,
    hint: /'dns'/,
  },
  { name: 'use_backend routing', body: '    use_backend other if { path_beg /x }\n', severity: 'error', line: L, directive: 'use_backend', message: /content switching is not supported/ },
  { name: 'acl', body: '    acl is_api path_beg /api\n', severity: 'error', line: L, directive: 'acl', message: /ACLs are not supported/ },
  { name: 'http-request', body: '    http-request set-header X-A b\n', severity: 'error', line: L, directive: 'http-request', message: /not supported/ },
  { name: 'stick-table', body: '    stick-table type ip size 1m\n', severity: 'error', line: L, directive: 'stick-table', message: /stick tables are not supported/ },
  { name: 'cookie persistence', body: '    cookie SRV insert\n', severity: 'error', line: L, directive: 'cookie', message: /cookie persistence/ },
  { name: 'unknown option', body: '    option redispatc\n', severity: 'error', line: L, directive: 'option redispatc', message: /unknown option 'redispatc'/, hint: /'redispatch'/ },
  { name: 'option transparent', body: '    option transparent\n', severity: 'error', line: L, directive: 'option transparent', message: /transparent proxying/ },
  { name: 'unknown timeout', body: '    timeout conect 5s\n', severity: 'error', line: L, directive: 'timeout conect', message: /unknown timeout 'conect'/, hint: /'connect'/ },
  { name: 'timeout without value', body: '    timeout server\n', severity: 'error', line: L, directive: 'timeout server', message: /missing time/ },
  { name: 'http-check expect string', body: '    option httpchk GET /\n    http-check expect string ok\n', severity: 'error', line: L + 1, directive: 'http-check expect', message: /not supported/ },
  {
    name: 'http-check expect bad status',
    body: '    option httpchk GET /\n    http-check expect status 2xx\n',
    severity: 'error',
    line: L + 1,
    directive: 'http-check expect',
    message: /invalid status '2xx'/,
  },
  {
    name: 'http-check expect bad regex',
    body: '    option httpchk GET /\n    http-check expect rstatus ^(2\n',
    severity: 'error',
    line: L + 1,
    directive: 'http-check expect',
    message: /invalid regular expression/,
  },
  { name: 'httpchk bad uri', body: '    option httpchk GET healthz\n', severity: 'error', line: L, directive: 'option httpchk', message: /must start with '\/'/ },
  { name: 'tcp-check odd hex', body: '    option tcp-check\n    tcp-check send-binary abc\n', severity: 'error', line: L + 1, directive: 'tcp-check send-binary', message: /even-length hex/ },
  { name: 'errorfile missing file', body: '    errorfile 503 /etc/halb/503.http\n', severity: 'error', line: L, directive: 'errorfile', message: /cannot read errorfile '\/etc\/halb\/503.http'/ },
  { name: 'errorfile bad code', body: '    errorfile 299 /x.http\n', severity: 'error', line: L, directive: 'errorfile', message: /errorfile status 299/ },
  { name: 'bind in backend is a frontend keyword', body: '    bind :81\n', severity: 'warning', line: L, directive: 'bind', message: /frontend setting in backend 'be'/ },
  { name: 'mode health', body: '    mode health\n', severity: 'error', line: L, directive: 'mode', message: /removed/ },
  { name: 'unknown mode', body: '    mode htp\n', severity: 'error', line: L, directive: 'mode', message: /unknown mode 'htp'/, hint: /'http'/ },
  { name: 'verify bad value', body: '    server s1 10.0.0.1:80 verify maybe\n', severity: 'error', line: L, directive: 'server', message: /unknown verify mode 'maybe'/ },
  { name: 'init-addr bad method', body: '    server s1 a.example:80 init-addr last,dns\n', severity: 'error', line: L, directive: 'server', message: /init-addr: unknown method 'dns'/ },
  { name: 'hash-type bad', body: '    hash-type consistant\n', severity: 'error', line: L, directive: 'hash-type', message: /unknown hash-type/, hint: /'consistent'/ },
  { name: 'retries not a number', body: '    retries many\n', severity: 'error', line: L, directive: 'retries', message: /not a whole number/ },
];

for (const c of cases) {
  test(`haproxy.cfg error: ${c.name}`, () => {
    const r = haproxyFull(FE + c.body);
    if (c.severity === 'error') assert.equal(r.config, undefined, 'an error must refuse the config');
    const d = expectDiag(r.diagnostics, c.severity, c.line, c.directive, c.message);
    assert.equal(d.file, 'h.cfg');
    assert.ok(d.col !== undefined && d.col >= 1, 'column given');
    if (c.hint) assert.match(d.hint ?? '', c.hint);
  });
}

test('frontend-level problems: bind ssl crt, unknown default_backend with hint, mode mismatch', () => {
  const r = haproxyFull(`${BASE_DEFAULTS}frontend fe
    bind :443 ssl crt /etc/ssl/x.pem
    default_backend webb
frontend fe2
    mode http
    bind :81
    default_backend web
backend web
    server s1 10.0.0.1:80
`);
  assert.equal(r.config, undefined);
  const ssl = expectDiag(r.diagnostics, 'error', 7, 'bind', /bind option 'ssl': TLS termination is not supported/);
  assert.equal(ssl.col, 15);
  expectDiag(r.diagnostics, 'error', 7, 'bind', /bind option 'crt'/);
  const db = expectDiag(r.diagnostics, 'error', 8, 'default_backend', /backend 'webb' does not exist/);
  assert.equal(db.hint, "did you mean 'web'?");
  expectDiag(r.diagnostics, 'error', 12, 'default_backend', /mode http but backend 'web' is mode tcp/);
  const up = haproxyFull(`${BASE_DEFAULTS}frontend fe
    bind :80
    default_backend web
backend web
    mode http
`);
  expectDiag(up.diagnostics, 'error', 8, 'default_backend', /does not upgrade tcp to http/);
});

test('duplicate sections, listen vs backend names, bind conflicts, resolvers without nameserver', () => {
  const r = haproxyFull(`${BASE_DEFAULTS}frontend fe
    bind :80
    default_backend be
frontend fe
    bind 127.0.0.1:80
    default_backend be
backend be
    server s1 10.0.0.1:80
listen be
    bind :8080
    server s1 10.0.0.1:80
resolvers dns
defaults named
defaults named
`);
  expectDiag(r.diagnostics, 'error', 9, 'frontend', /duplicate frontend 'fe' \(first defined at h\.cfg:6\)/);
  expectDiag(r.diagnostics, 'error', 10, 'bind', /127\.0\.0\.1:80? ?.*overlaps 0\.0\.0\.0:80 bound at h\.cfg:7|port 80 on 127\.0\.0\.1 overlaps/);
  expectDiag(r.diagnostics, 'error', 14, 'listen', /duplicate backend 'be' \(first defined at h\.cfg:12\)/);
  expectDiag(r.diagnostics, 'error', 17, 'resolvers', /resolvers 'dns' has no nameserver/);
  expectDiag(r.diagnostics, 'error', 19, 'defaults', /duplicate defaults section 'named' \(first at line 18\)/);
});

test('all problems are collected, not only the first', () => {
  const r = haproxyFull(`${BASE_DEFAULTS}frontend fe
    bind :80
    default_backend be
    use_backend x
backend be
    balance nope
    server s1 10.0.0.1
    option bogus
`);
  assert.deepEqual(
    errors(r.diagnostics).map((d) => d.line),
    [9, 11, 12, 13],
  );
});

test('directives before any section and unknown global keywords', () => {
  const r = haproxyFull(`maxconn 10
global
    maxcon 100
    nbthread 4
    tune.bufsize 32768
${BASE_DEFAULTS}`);
  expectDiag(r.diagnostics, 'error', 1, 'maxconn', /before any section/);
  expectDiag(r.diagnostics, 'error', 3, 'maxcon', /unknown keyword 'maxcon' in global/).hint === "did you mean 'maxconn'?" || assert.fail('hint');
  expectDiag(r.diagnostics, 'note', 4, 'nbthread', /no effect/);
  expectDiag(r.diagnostics, 'warning', 5, 'tune.bufsize', /ignored/);
});

test('defaults from an unknown named section', () => {
  const r = haproxyFull(`defaults base
    mode tcp
frontend fe from bsae
    bind :80
`);
  const d = expectDiag(r.diagnostics, 'error', 3, 'frontend', /no defaults section named 'bsae'/);
  assert.equal(d.hint, "did you mean 'base'?");
});

test('lexical problems come with their position', () => {
  const r = haproxyFull(`${BASE_DEFAULTS}frontend fe
    bind "127.0.0.1:80
`);
  expectDiag(r.diagnostics, 'error', 7, undefined, /unmatched double quote/);
});
