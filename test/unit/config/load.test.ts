// loadConfig: combining sources, refusing on any error, freezing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.js';
import { errors, expectDiag, memFs } from './helpers.js';

const VRRP_ONLY = `vrrp:
  instances:
    - { name: VI_1, interface: eth0, vrid: 51, virtualAddresses: [10.0.0.10/24] }
`;
const LB_CFG = `defaults
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend fe
    bind :80
    default_backend be
backend be
    server s 10.0.0.1:80
`;

test('VRRP-only yaml is a valid config with no frontend', () => {
  const r = loadConfig({ yaml: 'v.yaml' }, { readFile: memFs({ 'v.yaml': VRRP_ONLY }) });
  assert.deepEqual(errors(r.diagnostics), []);
  assert.equal(r.config!.frontends.length, 0);
  assert.equal(r.config!.vrrp.instances[0]!.vrid, 51);
  assert.ok(Object.isFrozen(r.config!.vrrp.instances[0]!.virtualAddresses));
});

test('LB-only haproxy.cfg gets an empty VRRP half', () => {
  const r = loadConfig({ haproxy: 'h.cfg' }, { readFile: memFs({ 'h.cfg': LB_CFG }), env: {} });
  assert.deepEqual(errors(r.diagnostics), []);
  assert.deepEqual(r.config!.vrrp.instances, []);
  assert.equal(r.config!.vrrp.globals.garp.masterRepeat, 5);
});

test('a VRRP-only yaml combines with a haproxy.cfg', () => {
  const r = loadConfig({ yaml: 'v.yaml', haproxy: 'h.cfg' }, { readFile: memFs({ 'v.yaml': VRRP_ONLY, 'h.cfg': LB_CFG }), env: {} });
  assert.deepEqual(errors(r.diagnostics), []);
  assert.equal(r.config!.frontends.length, 1);
  assert.equal(r.config!.vrrp.instances.length, 1);
});

test('two sources for one half are refused', () => {
  const lbYaml = 'backends:\n  - { name: b }\n';
  const r = loadConfig({ yaml: 'l.yaml', haproxy: 'h.cfg' }, { readFile: memFs({ 'l.yaml': lbYaml, 'h.cfg': LB_CFG }), env: {} });
  assert.equal(r.config, undefined);
  expectDiag(r.diagnostics, 'error', 1, 'frontends', /both halb.yaml and haproxy.cfg/);
  const r2 = loadConfig({ yaml: 'v.yaml', keepalived: 'k.conf' }, { readFile: memFs({ 'v.yaml': VRRP_ONLY, 'k.conf': '' }) });
  assert.equal(r2.config, undefined);
  expectDiag(r2.diagnostics, 'error', 1, 'vrrp', /both halb.yaml and keepalived.conf/);
});

test('keepalived.conf goes through loadKeepalived; its errors refuse the config', () => {
  // With the placeholder loader this reports "not built yet"; with the real one, an error for this bad input.
  const r = loadConfig({ haproxy: 'h.cfg', keepalived: 'k.conf' }, { readFile: memFs({ 'h.cfg': LB_CFG, 'k.conf': 'vrrp_instance X {\n  virtual_router_id 999\n  priority 300\n' }), env: {} });
  assert.equal(r.config, undefined);
  assert.ok(
    errors(r.diagnostics).some((d) => d.file.endsWith('k.conf')),
    'an error in the keepalived file',
  );
});

test('unreadable files, empty configs and no sources are errors', () => {
  const r = loadConfig({ haproxy: 'missing.cfg' }, { readFile: memFs({}) });
  assert.equal(r.config, undefined);
  assert.match(errors(r.diagnostics)[0]!.message, /cannot read: ENOENT/);
  const empty = loadConfig({ yaml: 'e.yaml' }, { readFile: memFs({ 'e.yaml': '' }) });
  assert.equal(empty.config, undefined);
  assert.match(errors(empty.diagnostics)[0]!.message, /nothing to run/);
  assert.equal(loadConfig({}).config, undefined);
});

test('diagnostics come sorted by file then line', () => {
  const r = loadConfig(
    { haproxy: 'h.cfg' },
    { readFile: memFs({ 'h.cfg': `backend b\n    server a 10.0.0.1\nfrontend f\n    bind :80\n    default_backend x\nbackend c\n    balance nope\n` }), env: {} },
  );
  const lines = r.diagnostics.map((d) => d.line);
  assert.deepEqual(
    lines,
    [...lines].sort((a, b) => a - b),
  );
});

test('no listener at all is a warning (HAProxy would not start); a frontend without bind too', () => {
  const r = loadConfig({ haproxy: 'h.cfg' }, { readFile: memFs({ 'h.cfg': `${LB_CFG.replace('    bind :80\n', '')}` }), env: {} });
  assert.ok(r.config);
  expectDiag(r.diagnostics, 'warning', 5, 'frontend', /frontend 'fe' has no bind/);
  expectDiag(r.diagnostics, 'warning', 1, undefined, /halb will accept no connection/);
});
