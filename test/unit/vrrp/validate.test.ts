// One case per rejection reason: a valid advert, minimally changed so exactly that check fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAdvert, passwordAuthData, type Advert } from '../../../src/vrrp/packet.js';
import { REJECT_REASONS, advertPolicy, validate, type RejectReason } from '../../../src/vrrp/validate.js';
import type { ReceivedVrrp } from '../../../src/vrrp/transport.js';
import { instance } from '../../helpers/vrrp-instance.js';

const v2inst = instance({ version: 2, vrid: 51, vips: ['10.0.0.100', '10.0.0.101'], auth: { type: 'PASS', password: 'secret' } });
const v3inst = instance({ version: 3, vrid: 52, vips: ['10.0.0.100'], advertInt: 1000 });
const v6inst = instance({ version: 3, vrid: 53, family: 6, vips: ['2001:db8::10'] });
const uniInst = instance({ version: 3, vrid: 52, vips: ['10.0.0.100'], unicastSrcIp: '10.0.0.1', unicastPeers: ['10.0.0.2', '10.0.0.3'] });

const v2advert: Advert = { version: 2, family: 4, vrid: 51, priority: 100, advertInt: 1000, addresses: ['10.0.0.100', '10.0.0.101'], authType: 1, authData: passwordAuthData('secret'), reserved: 0 };
const v3advert: Advert = { version: 3, family: 4, vrid: 52, priority: 100, advertInt: 1000, addresses: ['10.0.0.100'], authType: 0, authData: new Uint8Array(0), reserved: 0 };
const v6advert: Advert = { ...v3advert, family: 6, vrid: 53, addresses: ['2001:db8::10'] };

function rx(a: Advert, over: Partial<ReceivedVrrp> = {}, pseudoHeader = true): ReceivedVrrp {
  const src = over.src ?? (a.family === 4 ? '10.0.0.2' : 'fe80::2');
  const dst = over.dst ?? (a.family === 4 ? '224.0.0.18' : 'ff02::12');
  return { src, dst, ttl: 255, payload: encodeAdvert(a, { src, dst, pseudoHeader }), ...over };
}

function mutate(p: ReceivedVrrp, f: (b: Uint8Array) => Uint8Array): ReceivedVrrp {
  return { ...p, payload: f(p.payload.slice()) };
}

const cases: Array<[string, ReturnType<typeof advertPolicy>, ReceivedVrrp, RejectReason | 'ok', string?]> = [
  ['valid v2 PASS', advertPolicy(v2inst), rx(v2advert), 'ok'],
  ['valid v3', advertPolicy(v3inst), rx(v3advert), 'ok'],
  ['valid v3 IPv6', advertPolicy(v6inst), rx(v6advert), 'ok'],
  ['valid v3 unicast from a peer', advertPolicy(uniInst), rx(v3advert, { src: '10.0.0.3', dst: '10.0.0.1' }), 'ok'],
  ['v3 address order does not matter', advertPolicy(instance({ vrid: 52, vips: ['10.0.0.101', '10.0.0.100'] })), rx({ ...v3advert, addresses: ['10.0.0.100', '10.0.0.101'] }), 'ok'],
  ['v3 interval differs: accepted (backup adopts it)', advertPolicy(v3inst), rx({ ...v3advert, advertInt: 250 }), 'ok'],
  ['7 bytes', advertPolicy(v3inst), mutate(rx(v3advert), (b) => b.subarray(0, 7)), 'short'],
  ['empty', advertPolicy(v3inst), mutate(rx(v3advert), () => new Uint8Array(0)), 'short'],
  ['version 4', advertPolicy(v3inst), mutate(rx(v3advert), (b) => ((b[0] = 0x41), b)), 'bad-version'],
  ['v2 packet to a v3 instance', advertPolicy(v3inst), rx({ ...v2advert, vrid: 52, addresses: ['10.0.0.100'] }), 'bad-version'],
  ['type 2', advertPolicy(v3inst), mutate(rx(v3advert), (b) => ((b[0] = 0x32), b)), 'bad-type'],
  ['count says 2, one address present', advertPolicy(v3inst), mutate(rx(v3advert), (b) => ((b[3] = 2), b)), 'truncated'],
  ['v2 missing auth data', advertPolicy(v2inst), mutate(rx(v2advert), (b) => b.subarray(0, b.length - 8)), 'truncated'],
  ['trailing bytes', advertPolicy(v3inst), mutate(rx(v3advert), (b) => Uint8Array.from([...b, 0, 0, 0, 0])), 'bad-length'],
  ['flipped address bit', advertPolicy(v3inst), mutate(rx(v3advert), (b) => ((b[9]! ^= 1), b)), 'bad-checksum'],
  ['v2-style checksum on v3 while we expect the pseudo-header', advertPolicy(v3inst), rx(v3advert, {}, false), 'bad-checksum'],
  ['v2-style checksum accepted when configured', advertPolicy(instance({ vrid: 52, vips: ['10.0.0.100'], checksumPseudoHeader: false })), rx(v3advert, {}, false), 'ok'],
  ['pseudo-header checksum for other addresses', advertPolicy(v3inst), { ...rx(v3advert), src: '10.0.0.9' }, 'bad-checksum'],
  ['another VRID', advertPolicy(v3inst), rx({ ...v3advert, vrid: 99 }), 'unknown-vrid'],
  ['TTL 254', advertPolicy(v3inst), rx(v3advert, { ttl: 254 }), 'ttl'],
  ['hop limit 1', advertPolicy(v6inst), rx(v6advert, { ttl: 1 }), 'ttl'],
  ['our own advert looped back', advertPolicy(v3inst), rx(v3advert, { src: '10.0.0.1' }), 'own-advert', '10.0.0.1'],
  ['v2 auth none while we use PASS', advertPolicy(v2inst), rx({ ...v2advert, authType: 0, authData: new Uint8Array(8) }), 'auth-type'],
  ['v2 wrong password', advertPolicy(v2inst), rx({ ...v2advert, authData: passwordAuthData('secreT') }), 'auth'],
  [
    'v2 password only the first 8 bytes count',
    advertPolicy(instance({ ...v2inst, auth: { type: 'PASS', password: 'secret-and-more' } })),
    rx({ ...v2advert, authData: passwordAuthData('secret-a') }),
    'ok',
  ],
  ['one address more', advertPolicy(v3inst), rx({ ...v3advert, addresses: ['10.0.0.100', '10.0.0.101'] }), 'address-count'],
  ['different address', advertPolicy(v3inst), rx({ ...v3advert, addresses: ['10.0.0.200'] }), 'address-list'],
  ['v2 interval differs', advertPolicy(v2inst), rx({ ...v2advert, advertInt: 2000 }), 'advert-interval'],
  ['unicast from a stranger', advertPolicy(uniInst), rx(v3advert, { src: '10.0.0.9', dst: '10.0.0.1' }), 'unicast-peer'],
  // keepalived: destination multicast exactly when there are no unicast peers
  ['multicast mode, unicast to our address (PASS secret known)', advertPolicy(v2inst), rx(v2advert, { src: '10.0.0.9', dst: '10.0.0.1' }), 'unicast-dst'],
  ['multicast mode IPv6, unicast to our address', advertPolicy(v6inst), rx(v6advert, { src: 'fe80::9', dst: 'fe80::1' }), 'unicast-dst'],
  ['multicast mode, another group is still multicast', advertPolicy(v3inst), rx(v3advert, { dst: '239.1.2.3' }), 'ok'],
  ['unicast mode, advert sent to the group', advertPolicy(uniInst), rx(v3advert, { src: '10.0.0.2', dst: '224.0.0.18' }), 'multicast-dst'],
  ['no destination known (no packet info): not held against it', advertPolicy(v2inst), { ...rx(v2advert), dst: '' }, 'ok'],
  // keepalived: the TTL check applies to multicast only (unicast may be routed)
  ['unicast with TTL 62', advertPolicy(uniInst), rx(v3advert, { src: '10.0.0.2', dst: '10.0.0.1', ttl: 62 }), 'ok'],
  // keepalived < 2.0 unicast v3 checksum (pseudo-header with the multicast group as destination)
  ['old-keepalived unicast checksum', advertPolicy(uniInst), { ...rx(v3advert, { src: '10.0.0.2', dst: '224.0.0.18' }), dst: '10.0.0.1' }, 'ok'],
  ['old-style checksum is not accepted for multicast', advertPolicy(v3inst), { ...rx(v3advert, { dst: '224.0.0.18' }), dst: '224.0.0.19' }, 'bad-checksum'],
];

for (const [name, policy, packet, want, local] of cases) {
  test(`validate: ${name} -> ${want}`, () => {
    const v = validate(packet, policy, local);
    assert.equal(v.ok ? 'ok' : v.reason, want, v.ok ? '' : v.detail);
  });
}

test('every rejection reason has a case above', () => {
  const covered = new Set(cases.map((c) => c[3]));
  assert.deepEqual(
    REJECT_REASONS.filter((r) => !covered.has(r)),
    [],
  );
});

test('an address mismatch is flagged as a probable VRID conflict', () => {
  const v = validate(rx({ ...v3advert, addresses: ['10.0.0.200'] }), advertPolicy(v3inst));
  assert.ok(!v.ok);
  assert.deepEqual(v.conflict, { vrid: 52, src: '10.0.0.2', addresses: ['10.0.0.200'] });
});

test('IPv6 addresses compare canonically', () => {
  const p = advertPolicy(instance({ vrid: 53, family: 6, vips: ['2001:DB8:0:0::10/64'] }));
  assert.equal(validate(rx(v6advert), p).ok, true);
});
