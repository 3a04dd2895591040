// Every value outside a fixed set names the valid values, with the closest one first when
// there is one, in halb.yaml and in both importers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.js';
import { choiceHint, formatDiagnostic } from '../../../src/config/diagnostics.js';
import { expectDiag, haproxyFull, memFs, yamlFull } from './helpers.js';

const BALANCE = /expected one of "roundrobin", "static-rr", "leastconn", "source", "first", "random"/;

test('choiceHint: nearest value and the whole set, or the set alone', () => {
  assert.equal(choiceHint('roundrobbin', ['roundrobin', 'leastconn']), "did you mean 'roundrobin'? valid values: roundrobin, leastconn");
  assert.equal(choiceHint('zzzzzzzz', ['tcp', 'http']), 'valid values: tcp, http');
});

test('halb.yaml balance: a union of an enum and an object still lists the algorithms', () => {
  const r = yamlFull('backends:\n  - name: a\n    balance: roundrobbin\n');
  const d = expectDiag(r.diagnostics, 'error', 3, 'backends[0].balance', BALANCE);
  assert.equal(d.hint, "did you mean 'roundrobin'?");
  assert.doesNotMatch(formatDiagnostic(d), /Invalid input/);
  // Far from every value: the list alone.
  const far = yamlFull('backends:\n  - name: a\n    balance: weighted-magic\n');
  assert.equal(expectDiag(far.diagnostics, 'error', 3, 'backends[0].balance', BALANCE).hint, undefined);
  // The object form's algo is a plain enum.
  const obj = yamlFull('backends:\n  - name: a\n    balance: { algo: sourse }\n');
  assert.equal(expectDiag(obj.diagnostics, 'error', 3, 'backends[0].balance.algo', BALANCE).hint, "did you mean 'source'?");
});

test('halb.yaml healthCheck.type: wrong and missing tag list the types', () => {
  const bad = yamlFull('backends:\n  - name: a\n    healthCheck:\n      type: ssl_hello\n');
  const d = expectDiag(bad.diagnostics, 'error', 4, 'backends[0].healthCheck.type', /invalid value "ssl_hello": expected one of "tcp", "tcp-check", "http", "ssl-hello"/);
  assert.equal(d.hint, "did you mean 'ssl-hello'?");
  const missing = yamlFull('backends:\n  - name: a\n    healthCheck:\n      uri: /healthz\n');
  expectDiag(missing.diagnostics, 'error', 3, 'backends[0].healthCheck', /missing 'type': expected one of "tcp", "tcp-check", "http", "ssl-hello"/);
});

test('halb.yaml: literal unions (vrrp version) and plain enums (initialState, mode)', () => {
  const r = yamlFull(`vrrp:
  instances:
    - name: VI_1
      interface: eth0
      vrid: 51
      priority: 100
      version: 4
      initialState: MASTR
      virtualAddresses: [10.0.0.10/24]
`);
  expectDiag(r.diagnostics, 'error', 7, 'vrrp.instances[0].version', /invalid value 4: expected one of 2, 3/);
  const s = expectDiag(r.diagnostics, 'error', 8, 'vrrp.instances[0].initialState', /invalid value "MASTR": expected one of "MASTER", "BACKUP"/);
  assert.equal(s.hint, "did you mean 'MASTER'?");
  const m = yamlFull('frontends:\n  - name: f\n    mode: htp\n    binds: ["127.0.0.1:8080"]\n');
  assert.equal(expectDiag(m.diagnostics, 'error', 3, 'frontends[0].mode', /expected one of "tcp", "http"/).hint, "did you mean 'http'?");
});

test('haproxy.cfg: balance, hash-type and mode list their values', () => {
  const r = haproxyFull('defaults\n  mode htttp\nbackend b\n  balance weighted\n  hash-type consistant\n');
  assert.equal(expectDiag(r.diagnostics, 'error', 2, 'mode', /unknown mode 'htttp'/).hint, "did you mean 'http'? valid values: tcp, http");
  assert.equal(expectDiag(r.diagnostics, 'error', 4, 'balance', /unknown balance algorithm/).hint, 'valid values: roundrobin, static-rr, leastconn, source, first, random');
  assert.equal(expectDiag(r.diagnostics, 'error', 5, 'hash-type', /unknown hash-type/).hint, "did you mean 'consistent'? valid values: map-based, consistent");
});

test('haproxy.cfg: server verify and stats socket level list their values', () => {
  const r = haproxyFull('global\n  stats socket /run/halb.sock level admn\nbackend b\n  server s 10.0.0.1:80 verify requried\n');
  assert.equal(expectDiag(r.diagnostics, 'error', 2, 'stats socket', /unknown stats socket level 'admn'/).hint, "did you mean 'admin'? valid values: user, operator, admin");
  assert.equal(expectDiag(r.diagnostics, 'error', 4, 'server', /unknown verify mode 'requried'/).hint, "did you mean 'required'? valid values: none, required");
});

test('keepalived.conf: state and auth_type list their values', () => {
  const conf = `vrrp_instance VI_1 {
  state PRIMARY
  interface eth0
  virtual_router_id 51
  priority 100
  authentication {
    auth_type PAS
    auth_pass secret
  }
  virtual_ipaddress {
    10.0.0.10/24
  }
}
`;
  const r = loadConfig({ keepalived: '/k.conf' }, { readFile: memFs({ '/k.conf': conf }) });
  assert.equal(expectDiag(r.diagnostics, 'error', 2, 'state', /unknown state 'PRIMARY'/).hint, 'valid values: MASTER, BACKUP');
  assert.equal(expectDiag(r.diagnostics, 'error', 7, 'auth_type', /unknown authentication type 'PAS'/).hint, "did you mean 'PASS'? valid values: PASS, AH");
});
