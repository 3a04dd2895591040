// keepalived's dump files from halb's state: the lines that probes and scripts match
// (OpenShift's `grep "State = FAULT" /tmp/keepalived.data`, `VRRP Instance = …`) in keepalived
// 2.2's spelling and indentation, and the stats file's counters mapped reason by reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import { parseKeepalived, memorySource } from '../../../src/config/keepalived/load.js';
import type { VrrpConfig } from '../../../src/config/model-vrrp.js';
import { dumpStats, keepalivedData, keepalivedState, keepalivedStats } from '../../../src/vrrp/state-dump.js';
import { dumpInput, dumpTexts, keepalivedTime, type DumpSources } from '../../../src/vrrp/state-dump-file.js';
import type { InstanceCounters, InstanceStatus } from '../../../src/vrrp/runtime.js';
import { PHASES } from '../../../src/vrrp/machine.js';

const CONF = `global_defs {
  router_id lb1
}
vrrp_script chk_haproxy {
  script "/usr/bin/killall -0 haproxy"
  interval 2
  weight -20
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass secret
  }
  virtual_ipaddress {
    10.99.0.100/24
  }
  track_script {
    chk_haproxy
  }
}
vrrp_instance VI_2 {
  state MASTER
  interface eth0
  virtual_router_id 52
  priority 90
  advert_int 1
  virtual_ipaddress {
    10.99.0.101/24
  }
}
`;

function config(): VrrpConfig {
  const d = new Diagnostics();
  const cfg = parseKeepalived('/etc/keepalived/keepalived.conf', memorySource({ '/etc/keepalived/keepalived.conf': CONF }), d);
  assert.ok(cfg, d.items.map((x) => x.message).join('\n'));
  return cfg;
}

function counters(over: Partial<InstanceCounters> = {}): InstanceCounters {
  const rxRejected = {
    short: 1,
    'bad-version': 0,
    'bad-type': 2,
    truncated: 3,
    'bad-length': 4,
    'bad-checksum': 0,
    ttl: 5,
    'auth-type': 6,
    auth: 7,
    'address-count': 8,
    'address-list': 9,
    'advert-interval': 10,
    'unicast-peer': 0,
    'own-advert': 0,
    'unicast-dst': 0,
    'multicast-dst': 0,
  } as InstanceCounters['rxRejected'];
  return {
    rxAccepted: 40,
    rxRejected,
    rxOtherVrid: 11,
    rxPriorityZero: 2,
    txAdverts: 30,
    txPriorityZero: 1,
    txErrors: 0,
    garpSent: 5,
    vipErrors: 0,
    conflicts: 0,
    stalls: 0,
    transitions: { 'INIT->BACKUP': 1, 'BACKUP->MASTER': 3, 'MASTER->BACKUP': 2, 'MASTER->STOPPING': 1 },
    transitionsByReason: {} as InstanceCounters['transitionsByReason'],
    ...over,
  };
}

function sources(status: InstanceStatus[], script: 'ok' | 'failed' | 'unknown' = 'ok'): DumpSources {
  return { config: config(), status, counters: { VI_1: counters(), VI_2: counters({ txAdverts: 99 }) }, scriptStatus: () => script, monoNow: 10_000, wallNow: 1_796_692_524_546.167 };
}

test('data file: section banners, one block per instance, State in keepalived spelling', () => {
  const { data } = dumpTexts(
    sources([
      { name: 'VI_1', state: 'BACKUP', priority: 100, since: 9_000, master: '10.99.0.2', masterPriority: 150, sourceIp: '10.99.0.1', failingTracks: 0 },
      { name: 'VI_2', state: 'MASTER', priority: 90, since: 8_000, sourceIp: '10.99.0.1' },
    ]),
  );
  const lines = data.split('\n');
  assert.equal(lines[0], '------< Global definitions >------');
  assert.ok(lines.includes(' Router ID = lb1'));
  assert.ok(lines.includes('------< VRRP Topology >------'));
  const i1 = lines.indexOf(' VRRP Instance = VI_1');
  const i2 = lines.indexOf(' VRRP Instance = VI_2');
  assert.ok(i1 > 0 && i2 > i1, 'instances in config order');
  const block1 = lines.slice(i1, i2);
  assert.ok(block1.includes('   State = BACKUP'));
  assert.ok(block1.includes('   Master router = 10.99.0.2'));
  assert.ok(block1.includes('   Master priority = 150'));
  assert.ok(block1.includes('   Virtual Router ID = 51'));
  assert.ok(block1.includes('   Effective priority = 100'));
  assert.ok(block1.includes('   Using src_ip = 10.99.0.1'));
  assert.ok(block1.includes('   Authentication type = SIMPLE_PASSWORD'));
  assert.ok(block1.includes('     10.99.0.100/24 dev eth0 scope global'), 'a backup does not hold its VIP: no "set"');
  assert.ok(block1.includes('     chk_haproxy weight -20'));
  assert.ok(!data.includes('secret'), 'the PASS secret stays out of the dump');
  const block2 = lines.slice(i2, lines.indexOf('------< VRRP Scripts >------'));
  assert.ok(block2.includes('   State = MASTER'));
  assert.ok(!block2.some((l) => l.startsWith('   Master router')), 'a master names no master router');
  assert.ok(block2.includes('     10.99.0.101/24 dev eth0 scope global set'));
  // The transition time is the wall clock of the monotonic `since`.
  assert.ok(block2.includes(`   Last transition = ${keepalivedTime(1_796_692_524_546.167 - 2_000)}`));
  assert.ok(lines.includes(' VRRP Script = chk_haproxy'));
  assert.ok(lines.includes("   Command = '/usr/bin/killall' '-0' 'haproxy'"));
  assert.ok(lines.includes('   Status = GOOD'));
  assert.ok(lines.includes('     VI_1, weight -20'));
});

test('data file: a FAULT instance matches the OpenShift liveness probe, and script status follows the tracker', () => {
  const { data } = dumpTexts(sources([{ name: 'VI_1', state: 'FAULT', priority: 100, since: 0, failingTracks: 1 }], 'failed'));
  assert.match(data, /^ {3}State = FAULT$/m);
  assert.match(data, /^ {3}Number of interface and track script faults = 1$/m);
  assert.match(data, /^ {3}Status = BAD$/m);
  assert.doesNotMatch(data, /VI_2/, 'only running instances are listed');
  assert.match(dumpTexts(sources([], 'unknown')).data, /^ {3}Status = INIT$/m);
});

test('every halb phase has a keepalived state name', () => {
  for (const p of PHASES) assert.match(keepalivedState(p), /^(INIT|BACKUP|MASTER|FAULT|STOP)$/);
  assert.equal(keepalivedState('STOPPING'), 'MASTER', 'a stopping master still holds its VIPs');
});

test('keepalivedTime prints seconds.microseconds and the ctime form', () => {
  const prev = process.env.TZ;
  process.env.TZ = 'UTC';
  try {
    assert.equal(keepalivedTime(1_796_692_524_546.167), '1796692524.546167 (Tue Dec  8 01:15:24.546167 2026)');
    assert.equal(keepalivedTime(1_796_692_524_000), '1796692524.000000 (Tue Dec  8 01:15:24.000000 2026)');
  } finally {
    if (prev === undefined) delete process.env.TZ;
    else process.env.TZ = prev;
  }
});

test('stats file: keepalived layout, counters mapped reason by reason', () => {
  const s = dumpStats('VI_1', counters());
  assert.deepEqual(
    { ...s },
    {
      name: 'VI_1',
      received: 40,
      sent: 30,
      becameMaster: 3,
      releasedMaster: 3,
      lengthErrors: 1 + 3 + 4,
      ttlErrors: 5,
      invalidType: 2,
      advertIntervalErrors: 10,
      addressListErrors: 8 + 9,
      authInvalidType: 0,
      authTypeMismatch: 6,
      authFailure: 7,
      priorityZeroReceived: 2,
      priorityZeroSent: 1,
    },
  );
  const text = keepalivedStats([s]);
  assert.equal(
    text,
    [
      'VRRP Instance: VI_1',
      '  Advertisements:',
      '    Received: 40',
      '    Sent: 30',
      '  Became master: 3',
      '  Released master: 3',
      '  Packet Errors:',
      '    Length: 8',
      '    TTL: 5',
      '    Invalid Type: 2',
      '    Advertisement Interval: 10',
      '    Address List: 17',
      '  Authentication Errors:',
      '    Invalid Type: 0',
      '    Type Mismatch: 6',
      '    Failure: 7',
      '  Priority Zero:',
      '    Received: 2',
      '    Sent: 1',
      '',
    ].join('\n'),
  );
});

test('dumpInput skips status rows whose instance left the config', () => {
  const src = sources([{ name: 'VI_9', state: 'MASTER', priority: 1, since: 0 }]);
  assert.equal(dumpInput(src).instances.length, 0);
  assert.doesNotMatch(keepalivedData(dumpInput(src)), /VI_9/);
});
