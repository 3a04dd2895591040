// `halb import` output loads back into the same model (positions aside).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../../src/config/load.js';
import { toYaml } from '../../../src/config/to-yaml.js';
import { join } from 'node:path';
import { ROOT, errors, example, type haproxyFull, memFs, stripPos } from './helpers.js';

const fsRead = (p: string): string => readFileSync(p, 'utf8');

function roundTrip(result: ReturnType<typeof haproxyFull>, files: Record<string, string> = {}): void {
  assert.deepEqual(errors(result.diagnostics), []);
  const text = toYaml(result.config!);
  const mem = memFs({ 'out.yaml': text, ...files });
  const back = loadConfig({ yaml: 'out.yaml' }, { readFile: (p) => (p === 'out.yaml' || p in files ? mem(p) : fsRead(p)) });
  assert.deepEqual(errors(back.diagnostics), [], text);
  assert.deepEqual(stripPos(back.config), stripPos(result.config), text);
}

for (const name of ['haproxy-k8s-api.cfg', 'haproxy-ingress.cfg']) {
  test(`round trip: examples/${name} -> halb.yaml -> same model`, () => {
    roundTrip(loadConfig({ haproxy: example(name) }, { readFile: fsRead, env: {} }));
  });
}

test('round trip of test/fixtures/config/all-directives.cfg (every supported directive)', () => {
  const dir = join(ROOT, 'test/fixtures/config');
  roundTrip(loadConfig({ haproxy: join(dir, 'all-directives.cfg') }, { readFile: fsRead, env: { FIXTURES: dir } }), {});
});

test('examples/halb.yaml is the native twin of examples/haproxy-k8s-api.cfg (load-balancer half)', () => {
  const fromCfg = loadConfig({ haproxy: example('haproxy-k8s-api.cfg') }, { readFile: fsRead, env: {} });
  const fromYaml = loadConfig({ yaml: example('halb.yaml') }, { readFile: fsRead });
  const lb = (c: unknown): unknown => {
    const { vrrp: _v, ...rest } = stripPos(c) as Record<string, unknown>;
    return rest;
  };
  assert.deepEqual(lb(fromYaml.config), lb(fromCfg.config));
});

test('round trip of a halb.yaml with every VRRP field', () => {
  const src = `vrrp:
  globals:
    routerId: lb1
    enableScriptSecurity: true
    scriptUser: { user: keepalived_script, group: nogroup }
    garp: { masterDelay: 1s, masterRepeat: 2, masterRefresh: 1m, lowerPriorityDelay: 3s, lowerPriorityRepeat: 4, interval: 10ms, naInterval: 20ms }
  scripts:
    - { name: chk, script: /usr/bin/check.sh arg, interval: 3s, timeout: 2s, fall: 5, rise: 2, weight: -2, weightReverse: true, user: { user: nobody }, initFail: true }
  trackFiles:
    - { name: tf, path: /run/prio, weight: -5, weightReverse: false, init: { value: 0, overwrite: true } }
  instances:
    - name: A
      initialState: MASTER
      interface: eth0
      vrid: 51
      priority: 150
      advertInt: 2s
      nopreempt: true
      preemptDelay: 30s
      unicastSrcIp: 10.0.0.1
      unicastPeers: [10.0.0.2, 10.0.0.3]
      auth: { type: PASS, password: secret }
      virtualAddresses: [10.0.0.10/24, { address: 10.0.1.10, dev: eth1, label: "eth1:0", broadcast: "+", scope: link }]
      virtualAddressesExcluded: [10.9.9.9/32]
      trackScripts: [chk, { name: chk, weight: 10, reverse: true }]
      trackInterfaces: [eth1, { name: eth2, weight: -10 }]
      trackFiles: [tf]
      notify: { master: /bin/m, backup: /bin/b, fault: /bin/f, stop: /bin/s, any: /bin/n, users: { master: { user: root, group: wheel }, any: { user: nobody } } }
      dontTrackPrimary: true
      garp: { masterRepeat: 7 }
    - name: B
      interface: eth0
      vrid: 52
      version: 3
      advertInt: 50ms
      checksumPseudoHeader: false
      virtualAddresses: ["fd00::1"]
  syncGroups:
    - { name: G, members: [A, B], notify: { master: /bin/gm } }
`;
  const r1 = loadConfig({ yaml: 'a.yaml' }, { readFile: memFs({ 'a.yaml': src }) });
  assert.deepEqual(errors(r1.diagnostics), []);
  const text = toYaml(r1.config!);
  const r2 = loadConfig({ yaml: 'b.yaml' }, { readFile: memFs({ 'b.yaml': text }) });
  assert.deepEqual(errors(r2.diagnostics), [], text);
  assert.deepEqual(stripPos(r2.config), stripPos(r1.config), text);
});

test('round trip of examples/halb.yaml (both halves)', () => {
  const r1 = loadConfig({ yaml: example('halb.yaml') }, { readFile: fsRead });
  const text = toYaml(r1.config!);
  const r2 = loadConfig({ yaml: 'b.yaml' }, { readFile: memFs({ 'b.yaml': text }) });
  assert.deepEqual(stripPos(r2.config), stripPos(r1.config), text);
});
