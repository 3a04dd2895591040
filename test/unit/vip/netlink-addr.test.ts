// The rtnetlink address codec, byte by byte: what the native addon hands to the kernel verbatim
// (native/netlink.c only sends it and reads the ack), so every field is pinned here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeAddrRequest, encodeAddrRequest, type AddrRequest } from '../../../src/vip/netlink-addr.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex').replace(/(..)/g, '$1 ').trim();

function encoded(r: AddrRequest, littleEndian = true): string {
  const e = encodeAddrRequest(r, littleEndian);
  assert.ok(e.ok, e.ok ? '' : e.reason);
  return hex(e.bytes);
}

test('IPv4 add with label: nlmsghdr, ifaddrmsg, IFA_LOCAL, IFA_ADDRESS, IFA_LABEL (NUL, padded)', () => {
  const got = encoded({ op: 'add', family: 4, ifindex: 2, address: '10.77.0.100', prefix: 24, label: 'eth0:1', seq: 7 });
  const want = [
    '34 00 00 00', // nlmsg_len 52 = 16 + 8 + 8 + 8 + 12
    '14 00', // RTM_NEWADDR (20)
    '05 06', // NLM_F_REQUEST|NLM_F_ACK|NLM_F_EXCL|NLM_F_CREATE = 0x605
    '07 00 00 00', // seq
    '00 00 00 00', // pid: the kernel
    '02 18 00 00', // AF_INET, /24, no flags, scope universe
    '02 00 00 00', // ifindex 2
    '08 00 02 00 0a 4d 00 64', // IFA_LOCAL 10.77.0.100
    '08 00 01 00 0a 4d 00 64', // IFA_ADDRESS 10.77.0.100
    '0b 00 03 00 65 74 68 30 3a 31 00 00', // IFA_LABEL "eth0:1\0" (len 11) + 1 pad byte
  ].join(' ');
  assert.equal(got, want);
});

test('IPv6 add with nodad: IFA_F_NODAD in ifa_flags and in IFA_FLAGS; no label for IPv6', () => {
  const got = encoded({ op: 'add', family: 6, ifindex: 3, address: 'fd00:77::100', prefix: 64, label: 'ignored', nodad: true, seq: 1 });
  const addr = 'fd 00 00 77 00 00 00 00 00 00 00 00 00 00 01 00';
  const want = [
    '48 00 00 00', // 72 = 16 + 8 + 20 + 20 + 8
    '14 00 05 06 01 00 00 00 00 00 00 00',
    '0a 40 02 00', // AF_INET6, /64, IFA_F_NODAD, scope 0
    '03 00 00 00',
    `14 00 02 00 ${addr}`, // IFA_LOCAL
    `14 00 01 00 ${addr}`, // IFA_ADDRESS
    '08 00 08 00 02 00 00 00', // IFA_FLAGS = IFA_F_NODAD (u32)
  ].join(' ');
  assert.equal(got, want);
});

test('delete: RTM_DELADDR, NLM_F_REQUEST|NLM_F_ACK only, no label or flags', () => {
  const got = encoded({ op: 'del', family: 4, ifindex: 5, address: '192.0.2.1', prefix: 32, label: 'x', nodad: true, seq: 0x01020304 });
  assert.equal(got, ['28 00 00 00', '15 00', '05 00', '04 03 02 01', '00 00 00 00', '02 20 00 00', '05 00 00 00', '08 00 02 00 c0 00 02 01', '08 00 01 00 c0 00 02 01'].join(' '));
});

test('host byte order is a parameter (netlink is native-endian): big-endian header fields', () => {
  const got = encoded({ op: 'del', family: 4, ifindex: 5, address: '192.0.2.1', prefix: 32, seq: 1 }, false);
  assert.equal(got.slice(0, 47), '00 00 00 28 00 15 00 05 00 00 00 01 00 00 00 00');
  assert.ok(got.includes('00 00 00 05 00 08 00 02 c0 00 02 01'));
});

test('values it cannot express are reasons, not exceptions', () => {
  const base: AddrRequest = { op: 'add', family: 4, ifindex: 2, address: '10.0.0.1', prefix: 24, seq: 1 };
  const reason = (r: Partial<AddrRequest>): string => {
    const e = encodeAddrRequest({ ...base, ...r } as AddrRequest);
    assert.equal(e.ok, false);
    return e.ok ? '' : e.reason;
  };
  assert.match(reason({ address: '10.0.0.256' }), /not an IPv4 address/);
  assert.match(reason({ address: 'fd00::1' }), /not an IPv4 address/);
  assert.match(reason({ family: 6, address: '10.0.0.1' }), /not an IPv6 address/);
  assert.match(reason({ prefix: 33 }), /prefix 33 out of range 0-32/);
  assert.match(reason({ family: 6, address: 'fd00::1', prefix: 129 }), /0-128/);
  assert.match(reason({ prefix: 1.5 }), /prefix/);
  assert.match(reason({ ifindex: 0 }), /interface index/);
  assert.match(reason({ seq: -1 }), /sequence/);
  assert.match(reason({ label: 'a-label-longer-than-15' }), /bad label/);
  assert.match(reason({ label: 'has space' }), /bad label/);
  assert.match(reason({ label: '' }), /bad label/);
});

test('describeAddrRequest names the equivalent ip command', () => {
  assert.equal(describeAddrRequest({ op: 'add', family: 4, address: '10.0.0.1', prefix: 24, label: 'eth0:v' }, 'eth0'), 'ip addr add 10.0.0.1/24 dev eth0 label eth0:v');
  assert.equal(describeAddrRequest({ op: 'add', family: 6, address: 'fd00::1', prefix: 64, nodad: true }, 'eth0'), 'ip addr add fd00::1/64 dev eth0 nodad');
  assert.equal(describeAddrRequest({ op: 'del', family: 4, address: '10.0.0.1', prefix: 24, label: 'x' }, 'eth0'), 'ip addr del 10.0.0.1/24 dev eth0');
});
