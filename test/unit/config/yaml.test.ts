// halb.yaml: strict schema, friendly defaults, every problem at its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errors, expectDiag, yamlFull } from './helpers.js';

test('minimal yaml gets HAProxy defaults', () => {
  const r = yamlFull(`frontends:
  - name: web
    binds: ["*:80", { address: "::1", port: 8080 }, "[::]:81"]
    defaultBackend: web
    timeouts: { client: 30s }
backends:
  - name: web
    timeouts: { connect: 500, server: "1.5s" }
    servers:
      - { name: a, address: 10.0.0.1, port: 80, check: true }
      - { name: b, address: web-b.internal, port: 80, inter: 100us }
`);
  assert.deepEqual(errors(r.diagnostics), []);
  const c = r.config!;
  const fe = c.frontends[0]!;
  assert.equal(fe.mode, 'tcp');
  assert.deepEqual(
    fe.binds.map((b) => [b.address, b.port, b.pos!.line]),
    [
      ['0.0.0.0', 80, 3],
      ['::1', 8080, 3],
      ['::', 81, 3],
    ],
  );
  assert.deepEqual(fe.log, { httplog: false, tcplog: false, dontlognull: false });
  assert.deepEqual(fe.errorFiles, {});
  assert.equal(fe.httpServerClose, false);
  assert.deepEqual(fe.pos, { file: 'halb.yaml', line: 2, col: 5 });
  const be = c.backends[0]!;
  assert.deepEqual(be.balance, { algo: 'roundrobin', hashType: 'map-based' });
  assert.equal(be.retries, 3);
  assert.deepEqual(be.healthCheck, { type: 'tcp' });
  assert.deepEqual(be.timeouts, { connect: 500, server: 1500 });
  const [a, b] = be.servers;
  assert.deepEqual([a!.inter, a!.rise, a!.fall, a!.weight, a!.verify, a!.hostname], [2000, 2, 3, 1, 'required', undefined]);
  assert.deepEqual(a!.initAddr, ['last', 'libc']);
  assert.equal(b!.hostname, 'web-b.internal');
  assert.equal(b!.inter, 0.1);
  assert.equal(b!.pos!.line, 11);
  assert.equal(c.vrrp.instances.length, 0);
});

test('unknown keys are errors with the line of the key and a did-you-mean', () => {
  const r = yamlFull(`frontends:
  - name: web
    binds: ["*:80"]
    defaultBakend: web
backends:
  - name: web
    servers:
      - name: a
        address: 10.0.0.1
        port: 80
        wieght: 3
vrrp:
  instances:
    - name: VI_1
      interface: eth0
      vrid: 51
      virtualAddresses: [10.0.0.10/24]
      priorty: 100
colour: blue
`);
  assert.equal(r.config, undefined);
  const d1 = expectDiag(r.diagnostics, 'error', 4, 'frontends[0].defaultBakend', /unknown key 'defaultBakend'/);
  assert.equal(d1.hint, "did you mean 'defaultBackend'?");
  assert.equal(d1.col, 5);
  assert.equal(expectDiag(r.diagnostics, 'error', 11, 'backends[0].servers[0].wieght', /unknown key 'wieght'/).hint, "did you mean 'weight'?");
  assert.equal(expectDiag(r.diagnostics, 'error', 18, 'vrrp.instances[0].priorty', /unknown key 'priorty'/).hint, "did you mean 'priority'?");
  assert.match(expectDiag(r.diagnostics, 'error', 19, 'colour', /unknown key 'colour'/).hint!, /expected one of: global, frontends/);
});

test('wrong values name the key path and line', () => {
  const r = yamlFull(`frontends:
  - name: web
    mode: htp
    binds: ["10.0.0.1:99999", "example.com:80"]
backends:
  - name: web
    balance: { algo: sourse }
    healthCheck: { type: http, uri: healthz }
    servers:
      - { name: a, address: 10.0.0.1, port: 80, inter: 2 seconds }
      - { name: b, address: 10.0.0.2 }
      - { name: c, address: "10.0.0.3:80", port: 80 }
`);
  assert.equal(r.config, undefined);
  assert.equal(expectDiag(r.diagnostics, 'error', 3, 'frontends[0].mode', /invalid value "htp"/).hint, "did you mean 'http'?");
  expectDiag(r.diagnostics, 'error', 4, 'frontends[0].binds[0]', /port 99999 is out of range/);
  expectDiag(r.diagnostics, 'error', 4, 'frontends[0].binds[1]', /not an IP address/);
  assert.equal(expectDiag(r.diagnostics, 'error', 7, 'backends[0].balance.algo', /invalid value "sourse"/).hint, "did you mean 'source'?");
  expectDiag(r.diagnostics, 'error', 8, 'backends[0].healthCheck.uri', /starting with '\/'/);
  expectDiag(r.diagnostics, 'error', 10, 'backends[0].servers[0].inter', /expected a duration/);
  expectDiag(r.diagnostics, 'error', 11, 'backends[0].servers[1].port', /missing required key 'port'/);
});

test('cross-reference errors in yaml point at the offending value', () => {
  const r = yamlFull(`frontends:
  - name: web
    binds: ["*:80"]
    defaultBackend: wbe
backends:
  - name: web
    servers:
      - { name: a, address: 10.0.0.1, port: 80 }
      - { name: a, address: api.example, port: 80, resolvers: dns }
`);
  assert.equal(r.config, undefined);
  assert.equal(expectDiag(r.diagnostics, 'error', 4, 'frontends[0].defaultBackend', /backend 'wbe' does not exist/).hint, "did you mean 'web'?");
  expectDiag(r.diagnostics, 'error', 9, 'backends[0].servers[1]', /server name 'a' is already used/);
  expectDiag(r.diagnostics, 'error', 9, 'backends[0].servers[1].resolvers', /resolvers section 'dns' does not exist/);
});

test('YAML syntax errors and duplicate keys are reported with their line', () => {
  const r = yamlFull('frontends:\n  - name: a\n    name: b\n');
  expectDiag(r.diagnostics, 'error', 3, 'yaml', /unique/i);
  const r2 = yamlFull('frontends: [\n  {name: a\n');
  assert.equal(r2.config, undefined);
  assert.ok(errors(r2.diagnostics).length >= 1);
});

test('errorFiles are read at load time, a missing one is an error at its key', () => {
  const ok = yamlFull(
    `frontends:
  - name: web
    mode: http
    binds: ["*:80"]
    defaultBackend: web
    errorFiles: { 503: /e/503.http }
backends:
  - { name: web, mode: http, servers: [] }
`,
    { '/e/503.http': 'HTTP/1.0 503 Service Unavailable\r\n\r\nbusy' },
  );
  assert.deepEqual(errors(ok.diagnostics), []);
  assert.equal(ok.config!.frontends[0]!.errorFiles[503]!.content, 'HTTP/1.0 503 Service Unavailable\r\n\r\nbusy');
  const bad = yamlFull(`backends:
  - name: web
    errorFiles:
      503: /e/missing.http
`);
  expectDiag(bad.diagnostics, 'error', 4, 'backends[0].errorFiles.503', /cannot read '\/e\/missing.http'/);
});

test('health checks, balance object form, tcp-check steps', () => {
  const r = yamlFull(`backends:
  - name: a
    balance: { algo: source, hashType: consistent }
    healthCheck: { type: http }
  - name: b
    healthCheck:
      type: tcp-check
      steps:
        - { kind: connect, port: 6379 }
        - { kind: send, data: "PING\\r\\n" }
        - { kind: expect, match: string, pattern: "+PONG" }
  - name: c
    healthCheck: { type: http, method: GET, uri: /healthz, version: HTTP/1.1, host: k8s, expect: { kind: status, value: "200-399" } }
`);
  assert.deepEqual(errors(r.diagnostics), []);
  const [a, b, c] = r.config!.backends;
  assert.deepEqual(a!.balance, { algo: 'source', hashType: 'consistent' });
  assert.deepEqual(a!.healthCheck, { type: 'http', method: 'OPTIONS', uri: '/', version: 'HTTP/1.0' });
  assert.deepEqual(b!.healthCheck, {
    type: 'tcp-check',
    steps: [
      { kind: 'connect', port: 6379, ssl: false },
      { kind: 'send', data: 'PING\r\n' },
      { kind: 'expect', negate: false, match: 'string', pattern: '+PONG' },
    ],
  });
  assert.deepEqual(c!.healthCheck, { type: 'http', method: 'GET', uri: '/healthz', version: 'HTTP/1.1', host: 'k8s', expect: { negate: false, kind: 'status', value: '200-399' } });
  const bad = yamlFull('backends:\n  - name: a\n    healthCheck: { type: htp }\n');
  const d = expectDiag(bad.diagnostics, 'error', 3, undefined, /invalid value "htp": expected one of "tcp", "tcp-check", "http", "ssl-hello"/);
  assert.equal(d.hint, "did you mean 'http'?");
});

test('vrrp section: keepalived defaults, VIP forms, track refs, garp inheritance', () => {
  const r = yamlFull(`vrrp:
  globals:
    routerId: lb1
    garp: { masterDelay: 2s }
  scripts:
    - { name: chk, script: /bin/true, interval: 2s, weight: -20 }
  instances:
    - name: VI_1
      interface: eth0
      vrid: 51
      virtualAddresses: ["10.0.0.10/24", { address: 10.0.0.11, dev: eth1, label: eth1:vip }]
      trackScripts: [chk, { name: chk, weight: 5 }]
      garp: { masterRepeat: 3 }
    - name: VI_6
      interface: eth0
      vrid: 52
      version: 3
      advertInt: 100ms
      virtualAddresses: ["fd00::10/64"]
  syncGroups:
    - { name: G, members: [VI_1, VI_6] }
`);
  assert.deepEqual(errors(r.diagnostics), []);
  const v = r.config!.vrrp;
  assert.equal(v.globals.routerId, 'lb1');
  assert.deepEqual(v.globals.garp, { masterDelay: 2000, masterRepeat: 5, masterRefreshRepeat: 1, interval: 0 });
  assert.deepEqual({ ...v.scripts[0], pos: undefined }, { name: 'chk', script: '/bin/true', interval: 2000, fall: 1, rise: 1, weight: -20, weightReverse: false, pos: undefined });
  const [i1, i6] = v.instances;
  assert.deepEqual([i1!.initialState, i1!.priority, i1!.advertInt, i1!.version, i1!.family, i1!.nopreempt, i1!.preemptDelay, i1!.checksumPseudoHeader], ['BACKUP', 100, 1000, 2, 4, false, 0, true]);
  assert.deepEqual(
    i1!.virtualAddresses.map((a) => ({ ...a, pos: undefined })),
    [
      { address: '10.0.0.10', prefix: 24, family: 4, pos: undefined },
      { address: '10.0.0.11', prefix: 32, family: 4, dev: 'eth1', label: 'eth1:vip', pos: undefined },
    ],
  );
  assert.deepEqual(i1!.trackScripts, [{ name: 'chk' }, { name: 'chk', weight: 5 }]);
  assert.deepEqual(i1!.garp, { masterDelay: 2000, masterRepeat: 3, masterRefreshRepeat: 1, interval: 0 });
  assert.deepEqual([i6!.family, i6!.version, i6!.advertInt, i6!.virtualAddresses[0]!.prefix], [6, 3, 100, 64]);
  assert.deepEqual(v.syncGroups[0]!.members, ['VI_1', 'VI_6']);
});

test('vrrp cross-reference errors', () => {
  const r = yamlFull(`vrrp:
  scripts:
    - { name: chk_api, script: /bin/true }
  instances:
    - name: A
      interface: eth0
      vrid: 51
      advertInt: 500ms
      virtualAddresses: [10.0.0.10]
      trackScripts: [chk_apl]
    - name: B
      interface: eth0
      vrid: 51
      virtualAddresses: [10.0.0.11]
  syncGroups:
    - { name: G, members: [A, C] }
`);
  assert.equal(r.config, undefined);
  assert.equal(expectDiag(r.diagnostics, 'error', 10, 'vrrp.instances[0].trackScripts[0]', /script 'chk_apl' is not defined/).hint, "did you mean 'chk_api'?");
  expectDiag(r.diagnostics, 'error', 8, 'vrrp.instances[0].advertInt', /whole seconds/);
  expectDiag(r.diagnostics, 'error', 13, 'vrrp.instances[1].vrid', /vrid 51 on eth0 .* already used by instance 'A'/);
  expectDiag(r.diagnostics, 'error', 16, 'vrrp.syncGroups[0].members[1]', /instance 'C' does not exist/);
});

test('one VRID rule for both formats: unicast instances with disjoint peers may share a VRID on one interface', () => {
  // halb.yaml used to refuse this while keepalived.conf (and keepalived) accepted it.
  const doc = (peerB: string): string => `vrrp:
  instances:
    - { name: A, interface: eth0, vrid: 51, virtualAddresses: [10.0.0.10], unicastPeers: [10.0.0.2] }
    - { name: B, interface: eth0, vrid: 51, virtualAddresses: [10.0.0.11], unicastPeers: [${peerB}] }
`;
  const ok = yamlFull(doc('10.0.0.3'));
  assert.ok(ok.config, ok.diagnostics.map((d) => d.message).join('\n'));
  const shared = yamlFull(doc('10.0.0.2'));
  assert.equal(shared.config, undefined);
  expectDiag(shared.diagnostics, 'error', 4, 'vrrp.instances[1].vrid', /vrid 51 on eth0 \(IPv4\) is already used by instance 'A' \(.*:3\)/);
});

test('an alias without anchor is an error at the alias', () => {
  const r = yamlFull('frontends:\n  - name: a\n    binds: [*nope]\n');
  expectDiag(r.diagnostics, 'error', 3, 'yaml', /Unresolved alias/);
});

test('a bare small number for a duration warns that it is milliseconds', () => {
  const r = yamlFull(`backends:
  - name: b
    timeouts: { connect: 5 }
    servers:
      - { name: s, address: 10.0.0.1, port: 80, inter: 2, fastinter: 500 }
`);
  assert.ok(r.config);
  assert.equal(r.config.backends[0]!.servers[0]!.inter, 2);
  assert.equal(expectDiag(r.diagnostics, 'warning', 5, 'backends[0].servers[0].inter', /2 means 2 milliseconds/).hint, 'did you mean "2s"?');
  expectDiag(r.diagnostics, 'warning', 3, 'backends[0].timeouts.connect', /5 means 5 milliseconds/);
  assert.equal(r.diagnostics.filter((d) => /milliseconds/.test(d.message)).length, 2, 'fastinter 500 is plausible');
});

test('a server address with a port in it is refused with a hint', () => {
  const r = yamlFull('backends:\n  - name: b\n    servers:\n      - name: s\n        address: "10.0.0.1:80"\n        port: 80\n');
  expectDiag(r.diagnostics, 'error', 5, 'backends[0].servers[0].address', /give the port in 'port'/);
});

test("checkSsl keeps HAProxy's secure default: verify required (system CA store)", () => {
  const r = yamlFull('backends:\n  - name: b\n    servers: [{ name: s, address: 10.0.0.1, port: 443, check: true, checkSsl: true }]\n');
  assert.deepEqual(errors(r.diagnostics), []);
  assert.equal(r.config!.backends[0]!.servers[0]!.verify, 'required');
});
