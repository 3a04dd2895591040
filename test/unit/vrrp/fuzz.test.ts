// Hostile input, deterministic seeds: random bytes, truncations, wrong counts and lengths, bit
// flips and splices of valid adverts go through decode + validate + the state machine. Nothing
// may throw; every packet ends as exactly one outcome (accepted, other VRID, or one counted
// rejection reason); machine invariants hold for random event sequences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeAdvert, encodeAdvert, passwordAuthData, type Advert } from '../../../src/vrrp/packet.js';
import { REJECT_REASONS, advertPolicy, validate, type RejectReason } from '../../../src/vrrp/validate.js';
import { machineConfig } from '../../../src/vrrp/machine-config.js';
import { initialState, step, type MachineEvent, type MachineState } from '../../../src/vrrp/machine.js';
import type { ReceivedVrrp } from '../../../src/vrrp/transport.js';
import { instance } from '../../helpers/vrrp-instance.js';
import { loadFixture, unhex } from '../../helpers/vrrp-fixtures.js';

const SEED = 0x5eed;
const RUNS = 3000;

const v2inst = instance({ version: 2, vrid: 51, vips: ['10.99.0.100', '10.99.0.101'], auth: { type: 'PASS', password: 'halbpw' } });
const v3inst = instance({ version: 3, vrid: 52, advertInt: 500, vips: ['10.99.0.110', '10.99.0.111', '10.99.0.112'] });
const v6inst = instance({ version: 3, vrid: 53, family: 6, vips: ['fd00:99::100'] });
const policies = [advertPolicy(v2inst), advertPolicy(v3inst), advertPolicy(v6inst)];

// Valid seeds: the keepalived captures, so mutations start from real-world bytes.
const seeds: Array<{ policy: number; rx: ReceivedVrrp }> = [
  ...loadFixture('v2-pass-ipv4').packets.map((p) => ({ policy: 0, rx: { src: p.src, dst: p.dst, ttl: p.ttl, payload: unhex(p.payload) } })),
  ...loadFixture('v3-ipv4').packets.map((p) => ({ policy: 1, rx: { src: p.src, dst: p.dst, ttl: p.ttl, payload: unhex(p.payload) } })),
  ...loadFixture('v3-ipv6').packets.map((p) => ({ policy: 2, rx: { src: p.src, dst: p.dst, ttl: p.ttl, payload: unhex(p.payload) } })),
];

type Outcome = 'ok' | RejectReason;
const tally = (): Record<Outcome, number> => Object.fromEntries([['ok', 0], ...REJECT_REASONS.map((r) => [r, 0])]) as Record<Outcome, number>;

function judge(rx: ReceivedVrrp, policyIdx: number, counts: Record<Outcome, number>): Outcome {
  const v = validate(rx, policies[policyIdx]!, '10.99.0.2');
  const outcome: Outcome = v.ok ? 'ok' : v.reason;
  assert.ok(outcome in counts, `outcome ${outcome} is in the closed set`);
  counts[outcome]++;
  if (v.ok) {
    // An accepted packet re-encodes to the same bytes (nothing was silently ignored).
    const again = encodeAdvert(v.advert, { src: rx.src, dst: rx.dst, pseudoHeader: policies[policyIdx]!.pseudoHeader });
    assert.deepEqual(again, rx.payload);
  }
  return outcome;
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(60) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(60), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('count' as const), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(60), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('ttl' as const), value: fc.integer({ min: 0, max: 255 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(rx: ReceivedVrrp, m: Mutation): ReceivedVrrp {
  const b = rx.payload.slice();
  switch (m.kind) {
    case 'truncate':
      return { ...rx, payload: b.subarray(0, m.at % (b.length + 1)) };
    case 'flip':
      b[m.at % b.length]! ^= 1 << m.bit;
      return { ...rx, payload: b };
    case 'count':
      b[3] = m.value;
      return { ...rx, payload: b };
    case 'append': {
      const out = new Uint8Array(b.length + m.bytes.length);
      out.set(b);
      out.set(m.bytes, b.length);
      return { ...rx, payload: out };
    }
    case 'set':
      b[m.at % b.length] = m.value;
      return { ...rx, payload: b };
    case 'ttl':
      return { ...rx, ttl: m.value };
  }
}

test('fuzz: random bytes never throw and always get one outcome', () => {
  const counts = tally();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), fc.nat(2), fc.integer({ min: 0, max: 255 }), (bytes, p, ttl) => {
      const family = policies[p]!.family;
      const rx: ReceivedVrrp = family === 4 ? { src: '10.99.0.1', dst: '224.0.0.18', ttl, payload: bytes } : { src: 'fe80::1', dst: 'ff02::12', ttl, payload: bytes };
      judge(rx, p, counts);
      // decode alone never throws either, whatever the family or addressing
      decodeAdvert(bytes, family === 4 ? 6 : 4, { src: 'not-an-address', dst: '', pseudoHeader: true });
    }),
    { seed: SEED, numRuns: RUNS },
  );
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  assert.equal(total, RUNS);
  assert.ok(counts.short > 0 && counts['bad-version'] > 0, JSON.stringify(counts));
});

test('fuzz: mutated keepalived adverts never throw; every rejection has its reason', () => {
  const counts = tally();
  fc.assert(
    fc.property(fc.nat(seeds.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), (si, ms) => {
      const seed = seeds[si]!;
      let rx = seed.rx;
      for (const m of ms) rx = mutate(rx, m);
      judge(rx, seed.policy, counts);
    }),
    { seed: SEED, numRuns: RUNS },
  );
  assert.equal(
    Object.values(counts).reduce((a, b) => a + b, 0),
    RUNS,
  );
  // The mutations are rich enough to reach each structural reason.
  for (const r of ['short', 'truncated', 'bad-length', 'bad-checksum', 'bad-version', 'bad-type', 'ttl'] as const) {
    assert.ok(counts[r] > 0, `reached ${r}: ${JSON.stringify(counts)}`);
  }
});

test('fuzz: adverts with consistent checksums but hostile fields are judged, never crash', () => {
  // Re-encode random field values so checksums are right and the semantic checks are reached.
  const counts = tally();
  const addr4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
  fc.assert(
    fc.property(
      fc.record({
        // mostly our values, so each later check is reached with the earlier ones passing
        vrid: fc.oneof({ weight: 4, arbitrary: fc.constant(51) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 255 }) }),
        priority: fc.integer({ min: 0, max: 255 }),
        secs: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 255 }) }),
        authType: fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }),
        password: fc.oneof({ weight: 4, arbitrary: fc.constant('halbpw') }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }),
        addresses: fc.oneof(
          { weight: 3, arbitrary: fc.constant(['10.99.0.100', '10.99.0.101']) },
          { weight: 1, arbitrary: fc.array(fc.oneof(addr4, fc.constantFrom('10.99.0.100', '10.99.0.101')), { maxLength: 4 }) },
        ),
        ttl: fc.constantFrom(255, 255, 1, 254),
        src: fc.constantFrom('10.99.0.1', '10.99.0.2', '10.99.0.3'),
      }),
      (f) => {
        const a: Advert = {
          version: 2,
          family: 4,
          vrid: f.vrid,
          priority: f.priority,
          advertInt: f.secs * 1000,
          addresses: f.addresses,
          authType: f.authType,
          authData: passwordAuthData(f.password),
          reserved: 0,
        };
        const rx: ReceivedVrrp = { src: f.src, dst: '224.0.0.18', ttl: f.ttl, payload: encodeAdvert(a, { src: f.src, dst: '224.0.0.18', pseudoHeader: true }) };
        judge(rx, 0, counts);
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
  for (const r of ['ok', 'auth-type', 'auth', 'address-count', 'address-list', 'advert-interval', 'ttl', 'own-advert', 'unknown-vrid'] as const) {
    assert.ok(counts[r] > 0, `reached ${r}: ${JSON.stringify(counts)}`);
  }
});

test('fuzz: random event sequences keep the machine invariants', () => {
  const cfgs = [
    machineConfig(
      instance({
        priority: 100,
        vips: ['10.0.0.100'],
        trackScripts: [
          { name: 'a', weight: -30 },
          { name: 'b', weight: 0 },
          { name: 'c', weight: 40 },
        ],
      }),
      { primaryAddress: '10.0.0.5' },
    ),
    machineConfig(instance({ priority: 255, vips: ['10.0.0.100'] }), { primaryAddress: '10.0.0.5' }),
    machineConfig(instance({ priority: 120, nopreempt: true, preemptDelay: 700, unicastPeers: ['10.0.0.4', '10.0.0.6'], vips: ['10.0.0.100'] }), { primaryAddress: '10.0.0.5' }),
    machineConfig(instance({ priority: 50, version: 2, advertInt: 2000, unicastPeers: ['10.0.0.4'], vips: ['10.0.0.100'] }), { primaryAddress: '10.0.0.5', stopHoldMax: 1500 }),
  ];
  const event: fc.Arbitrary<MachineEvent> = fc.oneof(
    { weight: 5, arbitrary: fc.constant({ type: 'tick' } as const) },
    {
      weight: 5,
      arbitrary: fc.record({
        type: fc.constant('advert' as const),
        src: fc.constantFrom('10.0.0.4', '10.0.0.6', '10.0.0.9'),
        priority: fc.constantFrom(0, 1, 50, 100, 120, 150, 254, 255),
        advertInt: fc.constantFrom(100, 1000, 2000),
      }),
    },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('track' as const), name: fc.constantFrom('script:a', 'script:b', 'script:c', 'script:zz'), ok: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('interface' as const), up: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant({ type: 'start' } as const) },
    { weight: 1, arbitrary: fc.constant({ type: 'stop' } as const) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('conflict' as const), src: fc.ipV4(), addresses: fc.array(fc.ipV4(), { maxLength: 2 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({ type: fc.constant('sync' as const), to: fc.constantFrom('MASTER', 'BACKUP', 'FAULT', 'FAULT-CLEARED') as fc.Arbitrary<'MASTER' | 'BACKUP' | 'FAULT' | 'FAULT-CLEARED'> }),
    },
  );
  fc.assert(
    fc.property(fc.nat(cfgs.length - 1), fc.array(fc.tuple(fc.nat(3000), event), { maxLength: 60 }), (ci, evs) => {
      let s: MachineState = initialState(cfgs[ci]!);
      let now = 0;
      let holding = false;
      s = step(s, { type: 'start' }, now).state;
      holding = s.phase === 'MASTER';
      for (const [dt, ev] of evs) {
        now += dt;
        const r = step(s, ev, now);
        for (const e of r.effects) {
          if (e.type === 'AddVips') {
            assert.equal(holding, false, 'AddVips while already holding');
            holding = true;
          }
          if (e.type === 'DelVips') {
            assert.equal(holding, true, 'DelVips while not holding');
            holding = false;
          }
          if (e.type === 'SendAdvert') assert.ok(['MASTER', 'STOPPING', 'FAULT'].includes(r.state.phase), `advert sent in ${r.state.phase}`);
        }
        s = r.state;
        assert.equal(holding, s.phase === 'MASTER' || s.phase === 'STOPPING', `VIPs held iff MASTER/STOPPING (phase ${s.phase})`);
        assert.ok(s.priority >= 1 && s.priority <= 255);
        // After a tick every due deadline has been handled (other events may arrive late, before
        // the runtime's timer fires, exactly as packets race timers on a real host).
        if (ev.type === 'tick' && r.nextDeadline !== undefined) assert.ok(r.nextDeadline > now, 'tick leaves no due deadline');
        if (s.phase === 'STOPPED') assert.equal(r.nextDeadline, undefined);
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
});
