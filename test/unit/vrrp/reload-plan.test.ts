// The reload planner: which instances a SIGHUP keeps, updates in place, restarts, adds and
// removes, and which definitions outside the instances reach which instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDENTITY_FIELDS, UPDATE_FIELDS, planVrrpReload, sameIgnoringPositions, type ReloadAction } from '../../../src/vrrp/reload-plan.js';
import { emptyVrrpConfig, type VrrpConfig, type VrrpInstance, type VrrpScript } from '../../../src/config/model-vrrp.js';
import { instance, vip } from '../../helpers/vrrp-instance.js';

function cfg(instances: VrrpInstance[], over: Partial<VrrpConfig> = {}): VrrpConfig {
  return { ...emptyVrrpConfig(), instances, ...over };
}

function script(name: string, over: Partial<VrrpScript> = {}): VrrpScript {
  return { name, script: `/bin/check-${name}`, interval: 1000, fall: 1, rise: 1, weight: -20, weightReverse: false, ...over };
}

const A = instance({ name: 'A', vrid: 1 });
const B = instance({ name: 'B', vrid: 2 });

function actions(running: VrrpConfig, next: VrrpConfig): Record<string, ReloadAction> {
  return Object.fromEntries(planVrrpReload(running, next).instances.map((p) => [p.instance, p.action]));
}

test('identical configs: keep everywhere, unchanged', () => {
  const p = planVrrpReload(cfg([A, B]), cfg([A, B]));
  assert.equal(p.unchanged, true);
  assert.deepEqual(
    p.instances.map((x) => [x.instance, x.action, x.changes]),
    [
      ['A', 'keep', []],
      ['B', 'keep', []],
    ],
  );
  assert.deepEqual(p.definitions, []);
});

test('source positions never count', () => {
  const at = (line: number) => ({ file: 'k.conf', line, col: 1 });
  const a1 = { ...A, pos: at(3), virtualAddresses: [{ ...vip('10.0.0.1'), pos: at(9) }] };
  const a2 = { ...A, pos: at(30), virtualAddresses: [{ ...vip('10.0.0.1'), pos: at(90) }] };
  const s1 = { ...script('chk'), pos: at(1) };
  const s2 = { ...script('chk'), pos: at(2) };
  const p = planVrrpReload(cfg([a1], { scripts: [s1] }), cfg([a2], { scripts: [s2] }));
  assert.equal(p.unchanged, true);
});

test('an absent optional field equals one set to undefined', () => {
  assert.equal(sameIgnoringPositions({ a: 1 }, { a: 1, b: undefined }), true);
  assert.equal(sameIgnoringPositions({ a: 1 }, { a: 1, b: 0 }), false);
  assert.equal(sameIgnoringPositions([1, 2], [1, 2, 3]), false);
  assert.equal(sameIgnoringPositions([1, 2], { 0: 1, 1: 2 }), false);
});

test('added and removed instances; removals come first', () => {
  const p = planVrrpReload(cfg([A]), cfg([B]));
  assert.deepEqual(
    p.instances.map((x) => `${x.instance}:${x.action}`),
    ['A:remove', 'B:add'],
  );
  assert.equal(p.unchanged, false);
  assert.equal(p.byName.B!.action, 'add');
});

const UPDATES: Array<[string, Partial<VrrpInstance>]> = [
  ['priority', { priority: 90 }],
  ['advertInt', { advertInt: 2000 }],
  ['initialState', { initialState: 'MASTER' }],
  ['nopreempt', { nopreempt: true }],
  ['preemptDelay', { preemptDelay: 3000 }],
  ['auth', { auth: { type: 'PASS', password: 'secret' } }],
  ['virtualAddresses', { virtualAddresses: [vip('10.0.0.100'), vip('10.0.0.101')] }],
  ['virtualAddressesExcluded', { virtualAddressesExcluded: [vip('10.0.0.200')] }],
  ['trackScripts', { trackScripts: [{ name: 'chk', weight: -5 }] }],
  ['trackInterfaces', { trackInterfaces: [{ name: 'eth1' }] }],
  ['trackFiles', { trackFiles: [{ name: 'f' }] }],
  ['notify', { notify: { master: '/bin/m' } }],
  ['checksumPseudoHeader', { checksumPseudoHeader: false }],
  ['garp', { garp: { masterDelay: 0, masterRepeat: 2, masterRefreshRepeat: 1, interval: 0 } }],
  ['dontTrackPrimary', { dontTrackPrimary: true }],
  ['fastTakeover', { fastTakeover: false }],
  ['stopHoldMax', { stopHoldMax: 100 }],
];
for (const [field, over] of UPDATES) {
  test(`${field} changes are applied in place (update)`, () => {
    const p = planVrrpReload(cfg([A, B]), cfg([{ ...A, ...over }, B]));
    assert.deepEqual(p.byName.A, { instance: 'A', action: 'update', changes: [field] });
    assert.equal(p.byName.B!.action, 'keep');
  });
}

const IDENTITY: Array<[string, Partial<VrrpInstance>]> = [
  ['interface', { interface: 'eth1' }],
  ['vrid', { vrid: 9 }],
  ['version', { version: 2 }],
  ['family', { family: 6 }],
  ['unicastSrcIp', { unicastSrcIp: '10.0.0.1' }],
  ['unicastPeers', { unicastPeers: ['10.0.0.2'] }],
];
for (const [field, over] of IDENTITY) {
  test(`${field} changes restart the instance`, () => {
    const p = planVrrpReload(cfg([A, B]), cfg([{ ...A, ...over }, B]));
    assert.deepEqual(p.byName.A, { instance: 'A', action: 'restart', changes: [field] });
    assert.equal(p.byName.B!.action, 'keep');
  });
}

test('every instance field is classified, update and identity sets are disjoint', () => {
  const all = Object.keys(instance({ unicastSrcIp: 'x', auth: { type: 'PASS', password: 'p' }, dontTrackPrimary: true, fastTakeover: true, stopHoldMax: 1 }));
  const known = new Set<string>([...UPDATE_FIELDS, ...IDENTITY_FIELDS, 'name']);
  assert.deepEqual(
    all.filter((k) => !known.has(k)),
    [],
  );
  assert.deepEqual(
    UPDATE_FIELDS.filter((f) => (IDENTITY_FIELDS as readonly string[]).includes(f)),
    [],
  );
});

test('an update and an identity change together: restart, listing both', () => {
  const p = planVrrpReload(cfg([A]), cfg([{ ...A, priority: 120, vrid: 7 }]));
  assert.deepEqual(p.byName.A, { instance: 'A', action: 'restart', changes: ['priority', 'vrid'] });
});

test('a field unknown to the planner restarts (safe default)', () => {
  const next = { ...A, someFutureSetting: 1 } as VrrpInstance;
  assert.deepEqual(planVrrpReload(cfg([A]), cfg([next])).byName.A, { instance: 'A', action: 'restart', changes: ['someFutureSetting'] });
});

test('instance order alone changes nothing', () => {
  assert.equal(planVrrpReload(cfg([A, B]), cfg([B, A])).unchanged, true);
});

test('a changed vrrp_script updates exactly the instances tracking it', () => {
  const tracking = { ...A, trackScripts: [{ name: 'chk' }] };
  const other = { ...B, trackScripts: [{ name: 'other' }] };
  const running = cfg([tracking, other], { scripts: [script('chk'), script('other')] });
  const next = cfg([tracking, other], { scripts: [script('chk', { weight: -50 }), script('other')] });
  const p = planVrrpReload(running, next);
  assert.deepEqual(p.byName.A, { instance: 'A', action: 'update', changes: ['script:chk'] });
  assert.equal(p.byName.B!.action, 'keep');
  assert.deepEqual(p.definitions, ['script:chk']);
});

test('a script definition nobody tracks changes no instance but is reported', () => {
  const p = planVrrpReload(cfg([A], { scripts: [script('idle')] }), cfg([A], { scripts: [script('idle', { interval: 5000 })] }));
  assert.equal(p.byName.A!.action, 'keep');
  assert.deepEqual(p.definitions, ['script:idle']);
  assert.equal(p.unchanged, false);
});

test('an instance starting to track a newly defined script lists both changes', () => {
  const next = cfg([{ ...A, trackScripts: [{ name: 'chk' }] }], { scripts: [script('chk')] });
  assert.deepEqual(planVrrpReload(cfg([A]), next).byName.A, { instance: 'A', action: 'update', changes: ['trackScripts', 'script:chk'] });
});

test('a removed script reaches the instance that stops tracking it', () => {
  const running = cfg([{ ...A, trackScripts: [{ name: 'chk' }] }], { scripts: [script('chk')] });
  assert.deepEqual(planVrrpReload(running, cfg([A])).byName.A, { instance: 'A', action: 'update', changes: ['trackScripts', 'script:chk'] });
});

test('a changed vrrp_track_file updates its users', () => {
  const user = { ...A, trackFiles: [{ name: 'f' }] };
  const f = { name: 'f', path: '/run/f', weight: 1 };
  const p = planVrrpReload(cfg([user, B], { trackFiles: [f] }), cfg([user, B], { trackFiles: [{ ...f, weight: 10 }] }));
  assert.deepEqual(p.byName.A, { instance: 'A', action: 'update', changes: ['file:f'] });
  assert.equal(p.byName.B!.action, 'keep');
});

test('sync group changes reach old and new members', () => {
  const C = instance({ name: 'C', vrid: 3 });
  const running = cfg([A, B, C], { syncGroups: [{ name: 'G', members: ['A', 'B'], notify: {} }] });
  const next = cfg([A, B, C], { syncGroups: [{ name: 'G', members: ['A', 'C'], notify: {} }] });
  const p = planVrrpReload(running, next);
  assert.deepEqual(actions(running, next), { A: 'update', B: 'update', C: 'update' });
  assert.deepEqual(p.byName.B!.changes, ['syncGroup:G']);
  assert.deepEqual(p.definitions, ['syncGroup:G']);
});

test('global script user reaches instances with scripts only; router_id reaches none', () => {
  const withNotify = { ...A, notify: { master: '/bin/m' } };
  const running = cfg([withNotify, B]);
  const next = cfg([withNotify, B], { globals: { ...running.globals, scriptUser: { user: 'nobody' }, routerId: 'r2' } });
  const p = planVrrpReload(running, next);
  assert.deepEqual(p.byName.A, { instance: 'A', action: 'update', changes: ['globals.scriptUser'] });
  assert.equal(p.byName.B!.action, 'keep');
  assert.deepEqual(p.definitions, ['globals.routerId', 'globals.scriptUser']);
});
