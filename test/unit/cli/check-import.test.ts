// `halb check` and `halb import` through their run functions with an in-memory io.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runCheck } from '../../../src/cli/cmd-check.js';
import { runImport } from '../../../src/cli/cmd-import.js';
import type { CliIo } from '../../../src/cli/config-io.js';
import { loadConfig } from '../../../src/config/load.js';
import { example, memFs, stripPos } from '../config/helpers.js';

function io(files: Record<string, string> = {}): CliIo & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    out: (t: string) => void (o.stdout += t),
    err: (t: string) => void (o.stderr += t),
    readFile: (p: string) => (p in files ? files[p]! : readFileSync(p, 'utf8')),
    env: {},
  };
  return o;
}

test('check: a valid config exits 0 with a summary', () => {
  const x = io();
  assert.equal(runCheck({ haproxy: example('haproxy-ingress.cfg') }, x), 0);
  assert.match(x.stdout, /load balancer: 2 frontend\(s\), 2 backend\(s\), 8 server\(s\)/);
  assert.match(x.stdout, /backend ingress-http \(tcp, source\/consistent\) 2 active \+ 2 backup \(allbackups\)/);
  assert.match(x.stdout, /configuration valid, 2 note\(s\) \(--notes shows them\)/);
  assert.equal(x.stderr, '');
  assert.ok(x.stdout.split('\n').length < 25, 'one screen');
});

test('check: VRRP instances and VIPs in the summary', () => {
  const x = io();
  assert.equal(runCheck({ config: example('halb.yaml') }, x), 0);
  assert.match(x.stdout, /vrrp: 1 instance\(s\), 1 VIP\(s\), 1 script\(s\)/);
  assert.match(x.stdout, /instance VI_K8S eth0 vrid 51 prio 101 v2 advert 1s: 192\.168\.10\.10\/24/);
});

test('check: every problem as file:line and exit 1', () => {
  const x = io({ 'bad.cfg': 'frontend f\n    bind :80\n    default_backend b\nbackend bb\n    balance leastcon\n    server s 10.0.0.1:80 wieght 2\n' });
  assert.equal(runCheck({ haproxy: 'bad.cfg' }, x), 1);
  const lines = x.stderr.trim().split('\n');
  assert.ok(lines.includes("bad.cfg:3:5: error: 'default_backend': backend 'b' does not exist (did you mean 'bb'?)"), x.stderr);
  assert.ok(
    lines.includes("bad.cfg:5:13: error: 'balance': unknown balance algorithm 'leastcon' (did you mean 'leastconn'? valid values: roundrobin, static-rr, leastconn, source, first, random)"),
    x.stderr,
  );
  assert.ok(lines.includes("bad.cfg:6:26: error: 'server': unknown server option 'wieght' (did you mean 'weight'?)"), x.stderr);
  assert.match(lines[lines.length - 1]!, /configuration invalid: 3 error\(s\)/);
  assert.equal(x.stdout, '');
});

test('import: prints a halb.yaml that loads to the same model; notes and warnings on stderr', () => {
  const x = io();
  assert.equal(runImport({ haproxy: example('haproxy-k8s-api.cfg') }, x), 0);
  assert.match(x.stderr, /haproxy-k8s-api\.cfg:4:5: note: 'log'/);
  const again = loadConfig({ yaml: 'i.yaml' }, { readFile: memFs({ 'i.yaml': x.stdout }) });
  const orig = loadConfig({ haproxy: example('haproxy-k8s-api.cfg') }, { readFile: (p) => readFileSync(p, 'utf8'), env: {} });
  assert.deepEqual(stripPos(again.config), stripPos(orig.config));
});

test('import: refuses without input and on errors', () => {
  const x = io();
  assert.equal(runImport({}, x), 2);
  const y = io({ 'bad.cfg': 'backend b\n    use_backend x\n' });
  assert.equal(runImport({ haproxy: 'bad.cfg' }, y), 1);
  assert.match(y.stderr, /bad\.cfg:2:5: error: 'use_backend'/);
  assert.equal(y.stdout, '');
});

test('check: defaults to ./halb.yaml, usage error without any config', () => {
  const x = io({ 'halb.yaml': 'frontends:\n  - { name: f, binds: ["127.0.0.1:1"], defaultBackend: b }\nbackends:\n  - { name: b, servers: [{ name: s, address: 127.0.0.1, port: 1 }] }\n' });
  assert.equal(runCheck({}, x), 0);
  assert.match(x.stdout, /1 backend\(s\), 1 server\(s\)/);
  const y: CliIo & { stderr: string } = {
    ...io(),
    readFile: () => {
      throw new Error('ENOENT');
    },
  } as CliIo & { stderr: string };
  let err = '';
  y.err = (t) => void (err += t);
  assert.equal(runCheck({}, y), 2);
  assert.match(err, /no configuration given/);
});

const KEEPALIVED_ETH9 = `vrrp_instance VI_1 {
    state MASTER
    interface eth9
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        10.0.0.10/24
    }
}
`;

function nodeIo(files: Record<string, string>, interfaces: string[]) {
  const x = io(files);
  return Object.assign(x, {
    nodeFacts: () => ({
      capEff: 0x1ffffffffffn,
      uid: 0,
      unprivilegedPortStart: 1024,
      interfaces: new Set(interfaces),
      localAddresses: new Set(['127.0.0.1']),
      nonlocalBind: { v4: false, v6: false },
      runDir: { path: '/run/halb', writable: true },
      program: () => 'ok' as const,
    }),
  });
}

test('check on the node: a missing interface is an error at the instance, exit 1; --offline skips it', () => {
  const x = nodeIo({ '/k.conf': KEEPALIVED_ETH9 }, ['lo', 'eth0']);
  assert.equal(runCheck({ keepalived: '/k.conf' }, x), 1);
  assert.match(x.stderr, /^\/k\.conf:1:15: error: VRRP instance VI_1: interface 'eth9' does not exist on this node \(interfaces here: eth0, lo\)$/m);
  assert.match(x.stderr, /configuration invalid on this node: 1 error\(s\)/);
  assert.match(x.stdout, /node checks \(this host, uid 0\): interfaces, bind addresses and ports, scripts, privileges: 1 problem\(s\) above \(--offline skips them\)/);
  const off = nodeIo({ '/k.conf': KEEPALIVED_ETH9 }, ['lo', 'eth0']);
  assert.equal(runCheck({ keepalived: '/k.conf', offline: true }, off), 0);
  assert.match(off.stdout, /node checks: skipped \(--offline\)/);
  assert.match(off.stdout, /configuration valid/);
  const here = nodeIo({ '/k.conf': KEEPALIVED_ETH9 }, ['lo', 'eth9']);
  assert.equal(runCheck({ keepalived: '/k.conf' }, here), 0);
  assert.match(here.stdout, /privileges: ok/);
});

test('check: a haproxy.cfg given to -c is a usage error naming --haproxy; -f detects it', () => {
  const cfg = example('haproxy-ingress.cfg');
  const x = io();
  assert.equal(runCheck({ config: cfg }, x), 2);
  assert.equal(x.stderr, `halb check: ${cfg} looks like a haproxy.cfg, not a halb.yaml (line 4: global): use --haproxy ${cfg} (or -f ${cfg}, which detects the format)\n`);
  const f = io();
  assert.equal(runCheck({ file: [cfg] }, f), 0);
  assert.match(f.stdout, /load balancer: 2 frontend\(s\)/);
});

test('import: -f detects a haproxy.cfg; a halb.yaml is refused as usage', () => {
  const x = io();
  assert.equal(runImport({ file: [example('haproxy-k8s-api.cfg')] }, x), 0);
  assert.match(x.stdout, /imported from .*haproxy-k8s-api\.cfg/);
  const y = io();
  assert.equal(runImport({ file: [example('halb.yaml')] }, y), 2);
  assert.match(y.stderr, /halb import: .*halb\.yaml is a halb\.yaml .*this command takes --haproxy haproxy\.cfg or --keepalived keepalived\.conf/);
});
