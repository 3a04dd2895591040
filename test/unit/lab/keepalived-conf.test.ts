import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderKeepalivedConf, validateNodeConfig, masterDownIntervalMs, type VrrpNodeConfig } from '../../../src/lab/keepalived-conf.js';

const base: VrrpNodeConfig = {
  routerId: 'n1',
  scripts: [{ name: 'chk', script: '/usr/bin/test ! -e /tmp/x', interval: 1, weight: -60, fall: 1, rise: 1 }],
  instances: [
    {
      name: 'VI_1',
      interface: 'eth0',
      vrid: 51,
      priority: 150,
      advertInt: 1,
      version: 2,
      state: 'BACKUP',
      unicast: { src: '10.77.0.10', peers: ['10.77.0.11'] },
      authPass: 'labpass',
      vips: ['10.77.0.100/24'],
      nopreempt: true,
      trackScripts: ['chk'],
    },
  ],
};

test('renders every directive of the spec', () => {
  const c = renderKeepalivedConf(base);
  for (const want of [
    'router_id n1',
    'vrrp_script chk {',
    'script "/usr/bin/test ! -e /tmp/x"',
    'weight -60',
    'vrrp_instance VI_1 {',
    'state BACKUP',
    'interface eth0',
    'virtual_router_id 51',
    'priority 150',
    'advert_int 1',
    'version 2',
    'nopreempt',
    'unicast_src_ip 10.77.0.10',
    '        10.77.0.11',
    'auth_type PASS',
    'auth_pass labpass',
    '10.77.0.100/24 dev eth0',
    'track_script {',
  ])
    assert.ok(c.includes(want), `missing "${want}" in:\n${c}`);
  // Balanced braces: keepalived silently misparses otherwise.
  assert.equal((c.match(/{/g) ?? []).length, (c.match(/}/g) ?? []).length);
});

test('rejects what keepalived would reject or misread', () => {
  const inst = base.instances[0]!;
  const bad = (p: object) => validateNodeConfig({ ...base, instances: [{ ...inst, ...p }] });
  assert.match(bad({ vrid: 256 }).join(), /vrid/);
  assert.match(bad({ priority: 0 }).join(), /priority/);
  assert.match(bad({ advertInt: 0.1 }).join(), /version 3/);
  assert.deepEqual(bad({ advertInt: 0.1, version: 3, authPass: undefined }), []);
  assert.match(bad({ advertInt: 0.1, version: 3 }).join(), /authentication needs version 2/);
  assert.match(bad({ state: 'MASTER' }).join(), /nopreempt needs state BACKUP/);
  assert.match(bad({ vips: [] }).join(), /virtual_ipaddress/);
  assert.match(bad({ authPass: 'toolongpass' }).join(), /auth_pass/);
  assert.match(bad({ trackScripts: ['nope'] }).join(), /not defined/);
  assert.throws(() => renderKeepalivedConf({ ...base, instances: [{ ...inst, vrid: 0 }] }), /invalid lab VRRP config/);
});

test('master_down_interval = 3 × advert + skew (RFC 5798 §6.1)', () => {
  assert.equal(Math.round(masterDownIntervalMs(1, 100)), 3609);
  assert.equal(Math.round(masterDownIntervalMs(0.1, 100)), 361);
  assert.equal(Math.round(masterDownIntervalMs(1, 255)), 3004);
});
