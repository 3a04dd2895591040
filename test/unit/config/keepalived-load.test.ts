import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { Diagnostics, type Diagnostic } from '../../../src/config/diagnostics.js';
import { loadKeepalived, parseKeepalived, memorySource } from '../../../src/config/keepalived/load.js';
import type { VrrpConfig } from '../../../src/config/model-vrrp.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/keepalived/', import.meta.url));
const ROOT = '/etc/keepalived/keepalived.conf';

function load(files: Record<string, string> | string, configId?: string): { cfg: VrrpConfig | undefined; d: Diagnostics } {
  const d = new Diagnostics();
  const src = memorySource(typeof files === 'string' ? { [ROOT]: files } : files);
  const cfg = parseKeepalived(ROOT, src, d, configId !== undefined ? { configId } : {});
  return { cfg, d };
}

function find(d: Diagnostics, severity: Diagnostic['severity'], text: string): Diagnostic {
  const hit = d.items.find((x) => x.severity === severity && (x.message.includes(text) || x.directive === text));
  assert.ok(hit, `no ${severity} matching '${text}' in:\n${d.items.map((x) => `${x.severity} ${x.file}:${x.line} ${x.directive ?? ''} ${x.message}`).join('\n')}`);
  return hit;
}

/** Minimal valid instance body for tests that probe one thing. */
const inst = (name: string, extra: string, vrid = 1, iface = 'eth0', vip = '10.0.0.1/24'): string =>
  `vrrp_instance ${name} {\n interface ${iface}\n virtual_router_id ${vrid}\n virtual_ipaddress {\n  ${vip}\n }\n${extra}\n}\n`;

// ---------------- the three typical configurations of issue 3 ----------------

test('Kubernetes API VIP: vrrp_script interval 3 fall 5 rise 2 weight -2, auth PASS', () => {
  const d = new Diagnostics();
  const cfg = loadKeepalived(FIXTURES + 'k8s-api.conf', d);
  assert.ok(cfg, d.items.map((x) => x.message).join('\n'));
  assert.deepEqual(d.errors(), []);
  assert.equal(cfg.globals.routerId, 'k8s-cp-1');
  assert.equal(cfg.globals.enableScriptSecurity, true);
  assert.deepEqual(cfg.globals.scriptUser, { user: 'root' });
  const s = cfg.scripts[0]!;
  assert.equal(s.name, 'check_apiserver');
  assert.equal(s.script, '/etc/keepalived/check_apiserver.sh');
  assert.deepEqual([s.interval, s.timeout, s.fall, s.rise, s.weight, s.weightReverse], [3000, 10000, 5, 2, -2, false]);
  const i = cfg.instances[0]!;
  assert.equal(i.name, 'VI_1');
  assert.deepEqual([i.initialState, i.interface, i.vrid, i.priority, i.advertInt, i.version, i.family], ['MASTER', 'eth0', 51, 101, 1000, 2, 4]);
  assert.deepEqual(i.auth, { type: 'PASS', password: '42k8sapi' });
  assert.deepEqual(
    i.virtualAddresses.map((v) => [v.address, v.prefix, v.family]),
    [['192.168.10.100', 24, 4]],
  );
  assert.deepEqual(i.trackScripts, [{ name: 'check_apiserver', weight: -2, reverse: false }]);
  assert.equal(i.pos?.line, 17);
  assert.equal(i.virtualAddresses[0]!.pos?.line, 27);
  assert.equal(i.virtualAddresses[0]!.pos?.col, 9);
});

test('two data centres active/active: unicast_src_ip/unicast_peer, dev and label, notify', () => {
  const d = new Diagnostics();
  const cfg = loadKeepalived(FIXTURES + 'two-dc.conf', d);
  assert.ok(cfg);
  assert.deepEqual(d.items, []);
  const [a, b] = cfg.instances;
  assert.deepEqual([a!.name, a!.initialState, a!.priority, a!.vrid], ['VIP_A', 'MASTER', 150, 61]);
  assert.deepEqual([b!.name, b!.initialState, b!.priority, b!.vrid], ['VIP_B', 'BACKUP', 100, 62]);
  for (const i of [a!, b!]) {
    assert.equal(i.unicastSrcIp, '10.1.0.11');
    assert.deepEqual(i.unicastPeers, ['10.2.0.11']);
  }
  assert.deepEqual(
    a!.virtualAddresses.map((v) => [v.address, v.prefix, v.dev, v.label]),
    [['203.0.113.10', 32, 'ens192', 'ens192:vipa']],
  );
  assert.equal(a!.notify.master, '/usr/local/bin/vip-notify.sh A master');
  assert.equal(a!.notify.any, '/usr/local/bin/vip-any.sh');
  assert.equal(a!.garp.masterDelay, 1000);
  assert.equal(a!.garp.masterRefresh, 60000);
  assert.equal(cfg.globals.garp.masterRepeat, 5);
});

test('OpenShift-style: weighted track scripts 20, 5, 50 and advert_int 1', () => {
  const d = new Diagnostics();
  const cfg = loadKeepalived(FIXTURES + 'openshift.conf', d);
  assert.ok(cfg);
  assert.deepEqual(d.errors(), []);
  const i = cfg.instances[0]!;
  assert.equal(i.advertInt, 1000);
  assert.equal(i.nopreempt, true);
  assert.deepEqual(
    i.trackScripts.map((t) => [t.name, t.weight]),
    [
      ['chk_haproxy', 20],
      ['chk_ingress_port', 5],
      ['chk_node_ready', 50],
    ],
  );
  assert.deepEqual(
    i.virtualAddresses.map((v) => `${v.address}/${v.prefix}`),
    ['10.0.0.100/32', '10.0.0.101/32'],
  );
  assert.equal(cfg.scripts.find((s) => s.name === 'chk_node_ready')!.script, '/usr/local/bin/node-ready --fast');
  assert.equal(cfg.globals.garp.masterRepeat, 3);
  assert.equal(i.notify.any, '/usr/local/bin/notify.sh');
});

// ---------------- defaults (keepalived 2.2.7) ----------------

test('defaults match keepalived 2.2.7', () => {
  const { cfg, d } = load(`vrrp_script s {\n script /bin/true\n}\n` + inst('V', ' track_script {\n  s\n }'));
  assert.ok(cfg, JSON.stringify(d.items));
  const s = cfg.scripts[0]!;
  assert.deepEqual([s.interval, s.timeout, s.fall, s.rise, s.weight], [1000, undefined, 1, 1, 0]);
  const i = cfg.instances[0]!;
  assert.deepEqual([i.initialState, i.priority, i.advertInt, i.version, i.nopreempt, i.preemptDelay, i.checksumPseudoHeader], ['BACKUP', 100, 1000, 2, false, 0, true]);
  assert.deepEqual(i.garp, { masterDelay: 5000, masterRepeat: 5, masterRefreshRepeat: 1, interval: 0, lowerPriorityDelay: 5000, lowerPriorityRepeat: 5 });
  assert.equal(cfg.globals.enableScriptSecurity, false);
});

test('state MASTER without priority means 255 (keepalived quirk) with a note', () => {
  const { cfg, d } = load(inst('V', ' state MASTER'));
  assert.equal(cfg!.instances[0]!.priority, 255);
  assert.equal(find(d, 'note', 'priority 255').line, 1);
});

test('IPv6 VIPs make the instance IPv6 and VRRPv3', () => {
  const { cfg, d } = load(inst('V6', '', 5, 'eth0', 'fe80::10/64'));
  assert.ok(cfg, JSON.stringify(d.items));
  assert.deepEqual([cfg.instances[0]!.family, cfg.instances[0]!.version], [6, 3]);
});

test('global vrrp_version 3 with fractional advert_int', () => {
  const { cfg, d } = load(`global_defs {\n vrrp_version 3\n}\n` + inst('V', ' advert_int 0.1'));
  assert.ok(cfg, JSON.stringify(d.items));
  assert.deepEqual([cfg.instances[0]!.version, cfg.instances[0]!.advertInt], [3, 100]);
});

test('global garp settings, gna interval and vrrp_min_garp', () => {
  const { cfg } = load(
    `global_defs {\n vrrp_garp_interval 0.001\n vrrp_gna_interval 0.002\n vrrp_garp_master_refresh_repeat 2\n vrrp_garp_lower_prio_repeat 2\n}\n` +
      inst('V', ' garp_master_repeat 2\n garp_master_delay 0'),
  );
  const g = cfg!.instances[0]!.garp;
  assert.deepEqual([g.interval, g.naInterval, g.masterRefreshRepeat, g.masterRepeat, g.masterDelay, g.lowerPriorityRepeat, g.lowerPriorityDelay], [1, 2, 2, 2, 0, 2, 0]);
  const min = load(`global_defs {\n vrrp_min_garp\n}\n` + inst('V', ''));
  assert.deepEqual([min.cfg!.globals.garp.masterRepeat, min.cfg!.globals.garp.masterDelay], [1, 0]);
});

// ---------------- preprocessor ----------------

test('include with globs relative to the including file, in sorted order, positions kept', () => {
  const files = {
    [ROOT]: `global_defs {\n router_id r1\n}\ninclude conf.d/*.conf\ninclude /etc/keepalived/scripts/{a,b}.inc\n`,
    '/etc/keepalived/conf.d/20-b.conf': inst('VB', '', 2),
    '/etc/keepalived/conf.d/10-a.conf': `# first\n` + inst('VA', ' priority 300', 1),
    '/etc/keepalived/conf.d/.hidden.conf': 'garbage here',
    '/etc/keepalived/conf.d/readme.txt': 'not included',
    '/etc/keepalived/scripts/a.inc': `vrrp_script sa {\n script /bin/true\n}\n`,
    '/etc/keepalived/scripts/b.inc': `include ../conf.d/nested/*.x\n`,
    '/etc/keepalived/conf.d/nested/n.x': `vrrp_script sb {\n script /bin/false\n}\n`,
  };
  const { cfg, d } = load(files);
  assert.equal(cfg, undefined); // priority 300 is an error
  const e = find(d, 'error', 'out of range');
  assert.equal(e.file, '/etc/keepalived/conf.d/10-a.conf');
  assert.equal(e.line, 8);
  assert.equal(e.directive, 'priority');
  // Fix the error: both instances in order, both scripts.
  files['/etc/keepalived/conf.d/10-a.conf'] = inst('VA', '', 1);
  const ok = load(files);
  assert.ok(ok.cfg, JSON.stringify(ok.d.items));
  assert.deepEqual(
    ok.cfg.instances.map((i) => i.name),
    ['VA', 'VB'],
  );
  assert.deepEqual(
    ok.cfg.scripts.map((s) => s.name),
    ['sa', 'sb'],
  );
  assert.equal(ok.cfg.instances[1]!.pos?.file, '/etc/keepalived/conf.d/20-b.conf');
});

test('include that matches nothing: warning for include, error for includea; include loop is an error', () => {
  const w = load({ [ROOT]: `include missing/*.conf\n` + inst('V', '') });
  assert.ok(w.cfg);
  assert.equal(find(w.d, 'warning', 'matches no file').line, 1);
  const e = load({ [ROOT]: `\nincludea missing.conf\n` + inst('V', '') });
  assert.equal(e.cfg, undefined);
  assert.equal(find(e.d, 'error', 'cannot read').line, 2);
  const loop = load({ [ROOT]: `include a.conf\n`, '/etc/keepalived/a.conf': `include keepalived.conf\n` });
  assert.match(find(loop.d, 'error', 'include loop').message, /a\.conf/);
});

test('$NAME definitions: $NAME and ${NAME}, evaluated at use time, undefined left alone', () => {
  const text = [
    '$IFACE=eth1',
    '$BASE=10.2.${SUB}',
    '$SUB=0',
    'vrrp_instance V {',
    ' interface $IFACE',
    ' virtual_router_id 9',
    ' virtual_ipaddress {',
    '  ${BASE}.100/32',
    '  $SUB=10',
    '  ${BASE}.100/32',
    ' }',
    ' notify "/bin/echo ${UNDEFINED}"',
    '}',
  ].join('\n');
  const { cfg, d } = load(text);
  assert.ok(cfg, JSON.stringify(d.items));
  const i = cfg.instances[0]!;
  assert.equal(i.interface, 'eth1');
  assert.deepEqual(
    i.virtualAddresses.map((v) => v.address),
    ['10.2.0.100', '10.2.10.100'],
  );
  assert.equal(i.notify.any, '/bin/echo ${UNDEFINED}');
  assert.equal(i.virtualAddresses[1]!.pos?.line, 10);
});

test('multi-line definitions expand to several instances; nested definitions apply in order', () => {
  const text = [
    '$INSTANCE= \\',
    'vrrp_instance VI_${NUM} { \\',
    '    interface eth0 \\',
    '    virtual_router_id ${NUM} \\',
    '    @high priority 130 \\',
    '    @low priority 120 \\',
    '    virtual_ipaddress { \\',
    '        10.0.${NUM}.254/24 \\',
    '    } \\',
    '}',
    '',
    '$NUM=1',
    '$INSTANCE',
    '$NUM=2',
    '$INSTANCE',
  ].join('\n');
  const { cfg, d } = load(text, 'high');
  assert.ok(cfg, JSON.stringify(d.items));
  assert.deepEqual(
    cfg.instances.map((i) => [i.name, i.vrid, i.priority, i.virtualAddresses[0]!.address]),
    [
      ['VI_1', 1, 130, '10.0.1.254'],
      ['VI_2', 2, 130, '10.0.2.254'],
    ],
  );
  assert.equal(cfg.instances[1]!.pos?.line, 15);
  const low = load(text, 'low');
  assert.deepEqual(
    low.cfg!.instances.map((i) => i.priority),
    [120, 120],
  );
});

test('~SEQ, ~SEQx and ~LST blocks', () => {
  const text = [
    'vrrp_instance V {',
    ' interface eth0',
    ' virtual_router_id 3',
    ' virtual_ipaddress {',
    '  ~SEQ(N, 1, 3) 10.0.0.${N}/24',
    ' }',
    ' virtual_ipaddress_excluded {',
    '  ~SEQx(H, 0x9, 1, 0xb) fd00::${H}',
    '  ~LST({A, B}, {1, 2}, {3, 4}) 10.${A}.${B}.1',
    ' }',
    '}',
  ].join('\n');
  const { cfg, d } = load(text);
  assert.ok(cfg, JSON.stringify(d.items));
  assert.deepEqual(
    cfg.instances[0]!.virtualAddresses.map((v) => v.address),
    ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
  );
  assert.deepEqual(
    cfg.instances[0]!.virtualAddressesExcluded.map((v) => v.address),
    ['fd00::9', 'fd00::a', 'fd00::b', '10.1.2.1', '10.3.4.1'],
  );
});

test('@id conditional lines and @^id negation', () => {
  const text =
    `global_defs {\n @main router_id main_router\n @backup router_id backup_router\n}\n` + inst('V', ' unicast_src_ip 10.0.0.2\n unicast_peer {\n  @^main 10.0.0.1\n  @^backup 10.0.0.3\n }');
  const main = load(text, 'main');
  assert.equal(main.cfg!.globals.routerId, 'main_router');
  assert.deepEqual(main.cfg!.instances[0]!.unicastPeers, ['10.0.0.3']);
  const other = load(text, 'other');
  assert.equal(other.cfg!.globals.routerId, undefined);
  assert.deepEqual(other.cfg!.instances[0]!.unicastPeers, ['10.0.0.1', '10.0.0.3']);
});

test('comments with ! and #, quoted strings keep them, braces on one line or the next', () => {
  const text = [
    '! a comment',
    'vrrp_script s { # trailing comment',
    ' script "/bin/echo a#b !c" ! comment',
    '}',
    'vrrp_instance V',
    '{',
    ' interface eth0 # here',
    ' virtual_router_id 7',
    ' virtual_ipaddress { 10.0.0.7/24 }',
    ' track_script { s weight 3 }',
    ' authentication { auth_type PASS',
    '  auth_pass "sec ret" }',
    '}',
  ].join('\n');
  const { cfg, d } = load(text);
  assert.ok(cfg, JSON.stringify(d.items));
  assert.equal(cfg.scripts[0]!.script, '/bin/echo a#b !c');
  const i = cfg.instances[0]!;
  assert.deepEqual(i.trackScripts, [{ name: 's', weight: 3, reverse: false }]);
  assert.deepEqual(i.auth, { type: 'PASS', password: 'sec ret' });
  assert.deepEqual(
    i.virtualAddresses.map((v) => v.address),
    ['10.0.0.7'],
  );
  assert.equal(i.interface, 'eth0');
});

// ---------------- errors, each with its position ----------------

test('misspelled keywords are errors with file:line:col and did-you-mean', () => {
  const text = `global_defs {\n  router_idd x\n}\nvrrp_instanse V {\n}\n` + inst('W', ' priorty 100\n virtual_routerid 2\n authentication {\n  auth_typ PASS\n }');
  const { cfg, d } = load(text);
  assert.equal(cfg, undefined);
  const a = find(d, 'error', 'router_idd');
  assert.deepEqual([a.line, a.col, a.hint], [2, 3, "did you mean 'router_id'?"]);
  assert.equal(find(d, 'error', 'vrrp_instanse').hint, "did you mean 'vrrp_instance'?");
  assert.equal(find(d, 'error', 'priorty').hint, "did you mean 'priority'?");
  assert.equal(find(d, 'error', 'priorty').line, 12);
  assert.equal(find(d, 'error', 'virtual_routerid').hint, "did you mean 'virtual_router_id'?");
  assert.equal(find(d, 'error', 'auth_typ').hint, "did you mean 'auth_type'?");
});

test('VRID and priority ranges', () => {
  for (const [extra, word] of [
    [' virtual_router_id 0', 'virtual_router_id'],
    [' virtual_router_id 256', 'virtual_router_id'],
    [' priority 0', 'priority'],
    [' priority 256', 'priority'],
    [' priority high', 'priority'],
  ] as const) {
    const { cfg, d } = load(`vrrp_instance V {\n interface eth0\n virtual_ipaddress {\n 10.0.0.1\n }\n virtual_router_id 1\n${extra}\n}\n`);
    assert.equal(cfg, undefined, extra);
    const e = d.errors().find((x) => x.directive === word);
    assert.ok(e, extra);
    assert.equal(e.line, 7);
  }
});

test('missing virtual_router_id / interface are errors', () => {
  const { d } = load(`vrrp_instance V {\n virtual_ipaddress {\n 10.0.0.1\n }\n}\n`);
  assert.equal(find(d, 'error', 'no virtual_router_id').line, 1);
  assert.ok(find(d, 'error', 'no interface'));
});

test('duplicate VRID on the same interface and family; other interface, family or disjoint unicast peers are fine', () => {
  const dup = load(inst('A', '', 5) + inst('B', '', 5));
  const e = find(dup.d, 'error', 'already used by');
  assert.equal(e.line, 9);
  assert.match(e.message, /vrrp_instance 'A'/);
  assert.ok(load(inst('A', '', 5) + inst('B', '', 5, 'eth1')).cfg);
  assert.ok(load(inst('A', '', 5) + inst('B', '', 5, 'eth0', 'fd00::1')).cfg);
  assert.ok(load(inst('A', ' unicast_peer {\n 10.0.0.2\n }', 5) + inst('B', ' unicast_peer {\n 10.0.0.3\n }', 5)).cfg);
});

test('track_script naming an unknown script, with a hint', () => {
  const { d } = load(`vrrp_script check_api {\n script /bin/true\n}\n` + inst('V', ' track_script {\n  check_apl\n }'));
  const e = find(d, 'error', 'unknown vrrp_script');
  assert.deepEqual([e.line, e.hint], [11, "did you mean 'check_api'?"]);
});

test('IPv4/IPv6 mixing in one instance is an error; excluded addresses may mix', () => {
  const bad = load(inst('V', ' virtual_ipaddress {\n  fd00::1\n }'));
  assert.equal(find(bad.d, 'error', 'one instance carries one family').line, 8);
  const peer = load(inst('V', ' unicast_peer {\n  fd00::2\n }'));
  assert.ok(find(peer.d, 'error', 'one instance carries one family'));
  assert.ok(load(inst('V', ' virtual_ipaddress_excluded {\n  fd00::1/64\n }')).cfg);
});

test('sync group members must exist and belong to one group; group notify and tracking', () => {
  const base = `vrrp_script s {\n script /bin/true\n weight 10\n}\n` + inst('A', ' track_script {\n  s\n }', 1) + inst('B', '', 2);
  const bad = load(base + `vrrp_sync_group G {\n group {\n  A\n  C\n }\n}\nvrrp_sync_group H {\n group {\n  A\n B\n }\n}\n`);
  assert.equal(bad.cfg, undefined);
  const u = find(bad.d, 'error', "unknown vrrp_instance 'C'");
  assert.equal(u.line, 26);
  assert.ok(find(bad.d, 'error', "already in sync group 'G'"));
  const ok = load(base + `vrrp_sync_group G {\n group {\n  A\n  B\n }\n notify_master "/bin/g master"\n notify /bin/gany\n}\n`);
  assert.ok(ok.cfg, JSON.stringify(ok.d.items));
  assert.deepEqual(ok.cfg.syncGroups[0]!.members, ['A', 'B']);
  assert.deepEqual([ok.cfg.syncGroups[0]!.notify.master, ok.cfg.syncGroups[0]!.notify.any], ['/bin/g master', '/bin/gany']);
  // Weighted scripts of sync-group members are dropped, as keepalived does.
  assert.deepEqual(ok.cfg.instances[0]!.trackScripts, []);
  assert.ok(find(ok.d, 'warning', "sync group 'G'"));
  const keep = load(base + `vrrp_sync_group G {\n group {\n  A\n  B\n }\n sync_group_tracking_weight\n track_interface {\n  eth9 weight -10\n }\n}\n`);
  assert.deepEqual(keep.cfg!.instances[0]!.trackScripts, [{ name: 's', weight: 10, reverse: false }]);
  assert.deepEqual(keep.cfg!.instances[1]!.trackInterfaces, [{ name: 'eth9', weight: -10, reverse: false }]);
});

test('invalid unicast addresses', () => {
  const { d } = load(inst('V', ' unicast_src_ip 10.0.0.300\n unicast_peer {\n  10.0.0.2\n  peer.example\n }'));
  assert.equal(find(d, 'error', "'10.0.0.300' is not an IP address").line, 7);
  assert.equal(find(d, 'error', "'peer.example' is not an IP address").line, 10);
});

test('authentication: AH is an error, PASS with v3 is a warning and dropped, long password truncated', () => {
  const ah = load(inst('V', ' authentication {\n  auth_type AH\n  auth_pass x\n }'));
  assert.equal(find(ah.d, 'error', 'AH').line, 8);
  const v3 = load(inst('V', ' version 3\n authentication {\n  auth_type PASS\n  auth_pass secret\n }'));
  assert.ok(v3.cfg);
  assert.equal(v3.cfg.instances[0]!.auth, undefined);
  assert.equal(find(v3.d, 'warning', 'version 3 does not support authentication').line, 8);
  const long = load(inst('V', ' authentication {\n  auth_type PASS\n  auth_pass 0123456789\n }'));
  assert.equal(long.cfg!.instances[0]!.auth!.password, '01234567');
  assert.ok(find(long.d, 'warning', 'first 8 characters'));
});

test('advert_int: fractional only with version 3; v3 rounds to centiseconds', () => {
  const v2 = load(inst('V', ' advert_int 0.5'));
  assert.equal(find(v2.d, 'error', 'VRRPv2 carries whole seconds').line, 7);
  const v3 = load(inst('V', ' version 3\n advert_int 0.105'));
  assert.equal(v3.cfg!.instances[0]!.advertInt, 110);
  assert.ok(find(v3.d, 'warning', 'rounded'));
  assert.ok(find(load(inst('V', ' advert_int 0')).d, 'error', 'out of range'));
});

test('priority 255 with nopreempt, nopreempt/preempt_delay with state MASTER: warnings, cleared', () => {
  const owner = load(inst('V', ' priority 255\n nopreempt'));
  assert.equal(owner.cfg!.instances[0]!.nopreempt, false);
  assert.equal(find(owner.d, 'warning', 'incompatible with priority 255').line, 8);
  const master = load(inst('V', ' state MASTER\n priority 200\n nopreempt\n preempt_delay 10'));
  assert.equal(master.cfg!.instances[0]!.nopreempt, false);
  assert.equal(master.cfg!.instances[0]!.preemptDelay, 0);
  assert.ok(find(master.d, 'warning', 'nopreempt does not work with initial state MASTER'));
  assert.ok(find(master.d, 'warning', 'preempt_delay does not work'));
  const delay = load(inst('V', ' preempt_delay 2.5'));
  assert.equal(delay.cfg!.instances[0]!.preemptDelay, 2500);
});

test('owner (255): weighted track scripts are dropped with a warning', () => {
  const { cfg, d } = load(`vrrp_script s {\n script /bin/true\n weight 5\n}\nvrrp_script z {\n script /bin/true\n}\n` + inst('V', ' priority 255\n track_script {\n  s\n  z\n }'));
  assert.deepEqual(cfg!.instances[0]!.trackScripts, [{ name: 'z', weight: 0, reverse: false }]);
  assert.ok(find(d, 'warning', 'address owner'));
});

test('track_script / track_interface / track_file weights, reverse, ranges', () => {
  const text =
    `vrrp_script s {\n script /bin/true\n weight -4 reverse\n}\ntrack_file tf {\n file /run/prio\n}\nvrrp_track_file tg {\n file /run/g\n weight -3 reverse\n init_file 5 overwrite\n}\n` +
    inst('V', ' track_script {\n  s\n  s2 weight 254\n }\n track_interface {\n  eth1\n  eth2 weight -20 reverse\n }\n track_file {\n  tf\n  tg weight 7 noreverse\n }');
  const r = load(text);
  assert.ok(find(r.d, 'error', "unknown vrrp_script 's2'"));
  const ok = load(text.replace('  s2 weight 254\n', ''));
  assert.ok(ok.cfg, JSON.stringify(ok.d.items));
  const i = ok.cfg.instances[0]!;
  assert.deepEqual(i.trackScripts, [{ name: 's', weight: -4, reverse: true }]);
  assert.deepEqual(i.trackInterfaces, [
    { name: 'eth1', weight: 0, reverse: false },
    { name: 'eth2', weight: -20, reverse: true },
  ]);
  assert.deepEqual(i.trackFiles, [
    { name: 'tf', weight: 1, reverse: false },
    { name: 'tg', weight: 7, reverse: false },
  ]);
  assert.deepEqual(
    ok.cfg.trackFiles.map((f) => [f.name, f.path, f.weight, f.weightReverse ?? false, f.init]),
    [
      ['tf', '/run/prio', 1, false, undefined],
      ['tg', '/run/g', -3, true, { value: 5, overwrite: true }],
    ],
  );
  assert.ok(find(ok.d, 'note', 'deprecated synonym'));
  const clamp = load(`vrrp_script s {\n script /bin/true\n}\n` + inst('V', ' track_script {\n  s weight 254\n }'));
  assert.equal(clamp.cfg!.instances[0]!.trackScripts[0]!.weight, 253);
  assert.ok(find(clamp.d, 'warning', 'clamped'));
  assert.ok(find(load(`vrrp_script s {\n script /bin/true\n weight 300\n}\n`).d, 'error', 'out of range'));
});

test('vrrp_script command line: unquoted extra words are ignored as keepalived does, with a warning', () => {
  const { cfg, d } = load(`vrrp_script s {\n script /usr/bin/check --fast\n user nobody nogroup\n init_fail\n}\n`);
  assert.equal(cfg!.scripts[0]!.script, '/usr/bin/check');
  assert.deepEqual(cfg!.scripts[0]!.user, { user: 'nobody', group: 'nogroup' });
  assert.equal(cfg!.scripts[0]!.initFail, true);
  assert.equal(find(d, 'warning', 'ignores the words after it').line, 2);
  assert.ok(find(load(`vrrp_script s {\n interval 2\n}\n`).d, 'error', 'has no script'));
});

test('notify scripts with user and group', () => {
  const { cfg } = load(inst('V', ' notify_backup "/bin/nb x y" alice staff\n notify_fault /bin/nf bob\n notify_stop /bin/ns'));
  const n = cfg!.instances[0]!.notify;
  assert.deepEqual([n.backup, n.fault, n.stop], ['/bin/nb x y', '/bin/nf', '/bin/ns']);
  assert.deepEqual(n.users, { backup: { user: 'alice', group: 'staff' }, fault: { user: 'bob' } });
});

test('sections and directives outside scope are warnings (or notes) with file:line', () => {
  const text =
    `global_defs {\n notification_email {\n  a@b.c\n }\n smtp_server 127.0.0.1\n vrrp_startup_delay 5\n}\nvirtual_server 10.0.0.1 80 {\n delay_loop 6\n real_server 10.0.0.2 80 {\n  weight 1\n }\n}\nvrrp_track_process p {\n process haproxy\n}\nstatic_ipaddress {\n 10.9.9.9/24 dev eth0\n}\n` +
    inst('V', ' use_vmac\n smtp_alert\n virtual_routes {\n  10.1.0.0/16 via 10.0.0.254\n }');
  const { cfg, d } = load(text);
  assert.ok(cfg, JSON.stringify(d.errors()));
  assert.equal(find(d, 'warning', "section 'virtual_server'").line, 8);
  assert.equal(find(d, 'warning', "section 'vrrp_track_process'").line, 14);
  assert.equal(find(d, 'warning', "section 'static_ipaddress'").line, 17);
  assert.equal(find(d, 'warning', 'vrrp_startup_delay').line, 6);
  assert.equal(find(d, 'note', 'smtp_server').line, 5);
  assert.equal(find(d, 'warning', 'use_vmac').line, 26);
  assert.equal(find(d, 'warning', 'virtual_routes').line, 28);
});

test('VIP options: dev, label, brd, scope; unknown options are errors, unsupported ones warnings', () => {
  const { cfg, d } = load(inst('V', '', 1, 'eth0', '10.0.0.5/24 brd 10.0.0.255 dev eth0 scope global label eth0:1 no_track'));
  const v = cfg!.instances[0]!.virtualAddresses[0]!;
  assert.deepEqual([v.broadcast, v.dev, v.scope, v.label], ['10.0.0.255', 'eth0', 'global', 'eth0:1']);
  assert.ok(find(d, 'warning', "'no_track'"));
  const bad = load(inst('V', '', 1, 'eth0', '10.0.0.5/24 lable eth0:1'));
  assert.equal(find(bad.d, 'error', "unknown address option 'lable'").hint, "did you mean 'label'?");
  assert.ok(find(load(inst('V', '', 1, 'eth0', '10.0.0.5/33')).d, 'error', 'prefix /33'));
});

test('structural errors: unbalanced braces and unterminated quotes name their line', () => {
  const open = load(`vrrp_instance V {\n interface eth0\n`);
  assert.equal(find(open.d, 'error', 'never closed').line, 1);
  const close = load(inst('V', '') + '}\n');
  assert.equal(find(close.d, 'error', "unexpected '}'").line, 9);
  const quote = load(`vrrp_script s {\n script "/bin/true\n}\n`);
  assert.equal(find(quote.d, 'error', 'missing terminating').line, 2);
});

test('no VIP: warning with v2, error with v3; unicast without peers falls back to multicast', () => {
  const v2 = load(`vrrp_instance V {\n interface eth0\n virtual_router_id 1\n}\n`);
  assert.ok(v2.cfg);
  assert.ok(find(v2.d, 'warning', 'no virtual_ipaddress'));
  const v3 = load(`vrrp_instance V {\n interface eth0\n virtual_router_id 1\n version 3\n}\n`);
  assert.ok(find(v3.d, 'error', 'no virtual_ipaddress'));
  const uni = load(inst('V', ' unicast_src_ip 10.0.0.9'));
  assert.ok(uni.cfg);
  assert.ok(find(uni.d, 'warning', 'falling back to multicast'));
});

test('strict mode refuses unicast peers and drops authentication', () => {
  const { d } = load(`global_defs {\n vrrp_strict\n}\n` + inst('V', ' unicast_peer {\n  10.0.0.2\n }\n authentication {\n  auth_type PASS\n  auth_pass x\n }'));
  assert.ok(find(d, 'error', 'strict mode does not allow unicast peers'));
  assert.ok(find(d, 'warning', 'strict mode does not support authentication'));
});

test('loadKeepalived reads through injected readFile/listDir and reports an unreadable root', () => {
  const d = new Diagnostics();
  const files: Record<string, string> = { '/cfg/k.conf': 'include sub/*.conf\n', '/cfg/sub/a.conf': inst('V', '') };
  const cfg = loadKeepalived('k.conf', d, {
    cwd: '/cfg',
    configId: 'x',
    readFile: (p) => {
      const c = files[p];
      if (c === undefined) throw new Error('ENOENT');
      return c;
    },
    listDir: (p) => (p === '/cfg/sub' ? ['a.conf'] : p === '/cfg' ? ['k.conf', 'sub'] : undefined),
  });
  assert.ok(cfg, JSON.stringify(d.items));
  assert.equal(cfg.instances[0]!.pos?.file, '/cfg/sub/a.conf');
  const d2 = new Diagnostics();
  assert.equal(
    loadKeepalived('/nope.conf', d2, {
      readFile: () => {
        throw new Error('x');
      },
    }),
    undefined,
  );
  assert.equal(d2.errors()[0]!.file, '/nope.conf');
});

test('fixture on disk: includes with globs, definitions, a ~SEQ template, positions in the included files', () => {
  const d = new Diagnostics();
  const cfg = loadKeepalived(FIXTURES + 'includes/keepalived.conf', d, { configId: 'lb7' });
  // virtual_server inside a vrrp_instance is not a keyword there: an error with its position.
  assert.equal(cfg, undefined);
  const e = find(d, 'error', 'virtual_server');
  assert.equal(e.file, FIXTURES + 'includes/conf.d/20-extra.conf');
  assert.equal(e.line, 8);
  const w = find(d, 'warning', 'matches no file');
  assert.deepEqual([w.file, w.line], [FIXTURES + 'includes/keepalived.conf', 11]);
  assert.equal(d.errors().length, 1);
});

test('fixture on disk, fixed through an injected reader: four instances from the template and the extra file', () => {
  const d = new Diagnostics();
  const cfg = loadKeepalived(FIXTURES + 'includes/keepalived.conf', d, {
    configId: 'lb7',
    readFile: (p) => {
      const text = readFileSync(p, 'utf8');
      return p.endsWith('20-extra.conf') ? text.replace(/ {4}virtual_server[^}]*}\n/, '') : text;
    },
  });
  assert.ok(cfg, JSON.stringify(d.errors()));
  assert.equal(cfg.globals.routerId, 'lb7');
  assert.deepEqual(
    cfg.instances.map((i) => [i.name, i.vrid, i.interface, i.virtualAddresses[0]!.address]),
    [
      ['VI_1', 1, 'eth0', '10.20.0.1'],
      ['VI_2', 2, 'eth0', '10.20.0.2'],
      ['VI_3', 3, 'eth0', '10.20.0.3'],
      ['VI_extra', 50, 'eth0', '10.20.0.50'],
    ],
  );
  assert.deepEqual(cfg.instances[3]!.virtualAddresses[0]!.label, 'eth0:50');
  assert.equal(cfg.instances[0]!.pos?.file, FIXTURES + 'includes/conf.d/10-template.conf');
  assert.equal(cfg.instances[0]!.pos?.line, 14);
  assert.deepEqual(cfg.instances[0]!.trackScripts, [{ name: 'chk_haproxy', weight: 10, reverse: false }]);
  assert.equal(cfg.scripts[0]!.script, '/usr/bin/pgrep -x haproxy');
});
