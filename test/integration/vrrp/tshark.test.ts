// Our encoder judged by an independent implementation: adverts we encode are written to a pcap
// and tshark must decode each as valid VRRP with a good checksum and the fields we meant.
// Skips (with a message) when tshark is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeAdvert, passwordAuthData, type Advert } from '../../../src/vrrp/packet.js';
import { pcapFile, type IpPacket } from '../../helpers/pcap.js';

const haveTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

interface Case {
  advert: Advert;
  src: string;
  dst: string;
}
const v4 = { family: 4 as const, authType: 0, authData: new Uint8Array(8), reserved: 0 };
const cases: Case[] = [
  {
    src: '10.0.0.1',
    dst: '224.0.0.18',
    advert: { ...v4, version: 2, vrid: 51, priority: 150, advertInt: 1000, addresses: ['10.0.0.100', '10.0.0.101'], authType: 1, authData: passwordAuthData('secret') },
  },
  { src: '10.0.0.2', dst: '224.0.0.18', advert: { ...v4, version: 2, vrid: 51, priority: 0, advertInt: 3000, addresses: ['10.0.0.100'] } },
  { src: '10.0.0.1', dst: '224.0.0.18', advert: { ...v4, version: 3, vrid: 7, priority: 254, advertInt: 100, addresses: ['10.0.0.100', '10.0.0.101', '10.0.0.102'], authData: new Uint8Array(0) } },
  { src: '10.0.0.1', dst: '10.0.0.2', advert: { ...v4, version: 3, vrid: 200, priority: 255, advertInt: 40950, addresses: ['192.168.1.1'], authData: new Uint8Array(0) } },
  {
    src: 'fe80::1',
    dst: 'ff02::12',
    advert: { family: 6, version: 3, vrid: 9, priority: 100, advertInt: 1000, addresses: ['2001:db8::10', 'fd00::1'], authType: 0, authData: new Uint8Array(0), reserved: 0 },
  },
];

test('tshark decodes our adverts as valid VRRP with good checksums', { skip: haveTshark ? false : 'tshark not installed' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-tshark-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const packets: IpPacket[] = cases.map((c) => ({ src: c.src, dst: c.dst, payload: encodeAdvert(c.advert, { src: c.src, dst: c.dst, pseudoHeader: true }) }));
  const file = join(dir, 'ours.pcap');
  writeFileSync(file, pcapFile(packets));
  const fields = [
    'vrrp.version',
    'vrrp.virt_rtr_id',
    'vrrp.prio',
    'vrrp.addr_count',
    'vrrp.checksum.status',
    'vrrp.adver_int',
    'vrrp.short_adver_int',
    'vrrp.ip_addr',
    'vrrp.ipv6_addr',
    'vrrp.auth_string',
  ];
  const r = spawnSync('tshark', ['-n', '-r', file, '-o', 'vrrp.v3_checksum_as_in_v2:FALSE', '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => l.split('|'));
  assert.equal(rows.length, cases.length);
  rows.forEach((row, i) => {
    const c = cases[i]!.advert;
    const [version, vrid, prio, count, status, intervalV2, intervalV3, ip4, ip6, authString] = row;
    const interval = c.version === 2 ? intervalV2 : intervalV3;
    assert.equal(Number(version), c.version, `packet ${i} version`);
    assert.equal(Number(vrid), c.vrid, `packet ${i} vrid`);
    assert.equal(Number(prio), c.priority, `packet ${i} priority`);
    assert.equal(Number(count), c.addresses.length, `packet ${i} count`);
    // tshark prints checksum status as a number: 1 = Good (PROTO_CHECKSUM_E_GOOD).
    assert.equal(status, '1', `packet ${i} checksum status good`);
    const wantInterval = c.version === 2 ? c.advertInt / 1000 : c.advertInt / 10;
    assert.equal(Number(interval), wantInterval, `packet ${i} interval`);
    assert.deepEqual((c.family === 4 ? ip4 : ip6)!.split(','), c.addresses, `packet ${i} addresses`);
    if (c.version === 2 && c.authType === 1) assert.equal(authString, 'secret', `packet ${i} PASS auth`);
  });
});

test('tshark flags a corrupted checksum as bad (the check above can fail)', { skip: haveTshark ? false : 'tshark not installed' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-tshark-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const c = cases[2]!;
  const payload = encodeAdvert(c.advert, { src: c.src, dst: c.dst, pseudoHeader: false }); // v2-style checksum on v3
  const file = join(dir, 'bad.pcap');
  writeFileSync(file, pcapFile([{ src: c.src, dst: c.dst, payload }]));
  const r = spawnSync('tshark', ['-n', '-r', file, '-o', 'vrrp.v3_checksum_as_in_v2:FALSE', '-T', 'fields', '-e', 'vrrp.checksum.status'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '0');
});
