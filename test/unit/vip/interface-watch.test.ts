import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLinkLine } from '../../../src/vip/interface-watch.js';

test('parseLinkLine: iproute2 one-line link output', () => {
  const cases: [string, ReturnType<typeof parseLinkLine>][] = [
    [
      '2: eth0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff',
      { ifname: 'eth0', up: true, exists: true, operstate: 'UP' },
    ],
    ['3: a0@a1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default', { ifname: 'a0', up: false, exists: true, operstate: 'LOWERLAYERDOWN' }],
    ['2: a1@a0: <NO-CARRIER,BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default', { ifname: 'a1', up: false, exists: true, operstate: 'LOWERLAYERDOWN' }],
    ['2: a1@a0: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default', { ifname: 'a1', up: false, exists: true, operstate: 'DOWN' }],
    ['1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT', { ifname: 'lo', up: true, exists: true, operstate: 'UNKNOWN' }],
    ['Deleted 3: a0@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default', { ifname: 'a0', up: false, exists: false, operstate: 'ABSENT' }],
    ['    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff', undefined],
    ['', undefined],
  ];
  for (const [line, want] of cases) assert.deepEqual(parseLinkLine(line), want, line);
});
