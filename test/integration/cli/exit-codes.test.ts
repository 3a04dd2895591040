// Every command's exit code for the same kinds of problem, through the real CLI: 0 ok, 1 the
// configuration was refused, 2 usage, 3 a runtime failure (src/cli/exit-codes.ts, docs/cli.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHalb } from '../../helpers/halb-cli.js';
import { freePort } from '../../helpers/backends.js';

function tmp(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'halb-exit-'));
  chmodSync(dir, 0o755);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const yaml = (port: number) => `frontends:
  - name: web
    binds: ["127.0.0.1:${port}"]
    defaultBackend: app
    timeouts: { client: 30s }
backends:
  - name: app
    timeouts: { connect: 1s, server: 30s }
    servers:
      - { name: a, address: 127.0.0.1, port: 9 }
`;
const HAPROXY =
  'defaults\n  mode http\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\nfrontend web\n  bind 127.0.0.1:18080\n  default_backend app\nbackend app\n  server a 127.0.0.1:9\n';
const HAPROXY_BAD = HAPROXY.replace('mode http', 'mode htp');

test('halb check: 0 valid, 1 invalid, 2 usage (unknown option, wrong flag, no config)', async (t) => {
  const dir = tmp(t);
  writeFileSync(join(dir, 'halb.yaml'), yaml(18080));
  writeFileSync(join(dir, 'good.cfg'), HAPROXY);
  writeFileSync(join(dir, 'bad.cfg'), HAPROXY_BAD);
  assert.equal((await runHalb(['check', '-c', join(dir, 'halb.yaml'), '--offline'])).code, 0);
  assert.equal((await runHalb(['check', '-f', join(dir, 'good.cfg'), '--offline'])).code, 0);
  const bad = await runHalb(['check', '--haproxy', join(dir, 'bad.cfg')]);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /bad\.cfg:2:8: error: 'mode': unknown mode 'htp' \(did you mean 'http'\? valid values: tcp, http\)/);
  const wrong = await runHalb(['check', '-c', join(dir, 'good.cfg')]);
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.match(wrong.stderr, /good\.cfg looks like a haproxy\.cfg, not a halb\.yaml \(line 1: defaults\): use --haproxy .*good\.cfg/);
  assert.equal((await runHalb(['check', '--bogus'])).code, 2);
  const none = await runHalb(['check'], { cwd: mkdtempSync(join(dir, 'empty-')) });
  assert.equal(none.code, 2, none.stderr);
});

test('halb import: 0 done, 1 invalid, 2 usage', async (t) => {
  const dir = tmp(t);
  writeFileSync(join(dir, 'good.cfg'), HAPROXY);
  writeFileSync(join(dir, 'bad.cfg'), HAPROXY_BAD);
  writeFileSync(join(dir, 'halb.yaml'), yaml(18080));
  const ok = await runHalb(['import', '-f', join(dir, 'good.cfg')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^frontends:/m);
  assert.equal((await runHalb(['import', '--haproxy', join(dir, 'bad.cfg')])).code, 1);
  assert.equal((await runHalb(['import'])).code, 2);
  assert.equal((await runHalb(['import', '-f', join(dir, 'halb.yaml')])).code, 2);
  assert.equal((await runHalb(['import', '--keepalived', join(dir, 'good.cfg')])).code, 2);
});

test('halb run: 1 invalid config, 2 usage (bad --log-level, unknown -f content), 3 bind in use', async (t) => {
  const dir = tmp(t);
  writeFileSync(join(dir, 'bad.cfg'), HAPROXY_BAD);
  writeFileSync(join(dir, 'notes.txt'), 'hello\n');
  const bad = await runHalb(['run', '-f', join(dir, 'bad.cfg'), '--run-dir', join(dir, 'run')]);
  assert.equal(bad.code, 1, bad.stderr);
  const level = await runHalb(['run', '--log-level', 'verbose', '-c', join(dir, 'halb.yaml')]);
  assert.equal(level.code, 2, level.stderr);
  assert.match(level.stderr, /'--log-level <level>' argument 'verbose' is invalid\. did you mean 'debug'\? valid values: trace, debug, info, warn, error, fatal, silent/);
  assert.doesNotMatch(level.stderr, /custom levels/);
  const unknown = await runHalb(['run', '-f', join(dir, 'notes.txt')]);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /cannot tell what .*notes\.txt is/);
  assert.equal((await runHalb(['run'])).code, 2);

  // A valid config whose bind is taken: the start fails at runtime, with the bind's file:line.
  const busy: Server = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  t.after(() => busy.close());
  const port = (busy.address() as { port: number }).port;
  writeFileSync(join(dir, 'busy.yaml'), yaml(port));
  // halb check on the node sees the listener and warns; it is not a config error.
  const c = await runHalb(['check', '-c', join(dir, 'busy.yaml')]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stderr, new RegExp(`busy\\.yaml:3:\\d+: warning: bind 127\\.0\\.0\\.1:${port} \\(frontend web\\): another process listens on this port now`));
  const r = await runHalb(['run', '-c', join(dir, 'busy.yaml'), '--no-warmup', '--run-dir', join(dir, 'run')]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, new RegExp(`busy\\.yaml:3: bind 127\\.0\\.0\\.1:${port} \\(frontend web\\): address already in use`));
});

test('halb demo and halb lab: bad option values are usage errors (2); unknown command 2; --version 0', async () => {
  const demo = await runHalb(['demo', '--log-level', 'loud', '--backend-ports', String(await freePort())]);
  assert.equal(demo.code, 2, demo.stderr);
  const lab = await runHalb(['lab', '--software', 'nginx', '--duration', '1']);
  assert.equal(lab.code, 2, lab.stderr);
  assert.match(lab.stderr, /--software must be keepalived or halb, not nginx/);
  const cmd = await runHalb(['chek']);
  assert.equal(cmd.code, 2);
  assert.match(cmd.stderr, /unknown command 'chek'/);
  assert.equal((await runHalb(['--version'])).code, 0);
  assert.equal((await runHalb(['help', 'run'])).code, 0);
});

test('halb run on a node without the interface: exit 1 with file:line, before anything starts', async (t) => {
  const dir = tmp(t);
  const conf = join(dir, 'keepalived.conf');
  writeFileSync(conf, 'vrrp_instance VI_1 {\n    state MASTER\n    interface halbnoif0\n    virtual_router_id 51\n    priority 100\n    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n');
  const runDir = join(dir, 'run');
  // `check` agrees with `run`, and --offline skips the node.
  const check = await runHalb(['check', '--keepalived', conf, '--run-dir', runDir]);
  assert.equal(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stdout, /node checks \(this host, uid \d+\)/);
  assert.equal((await runHalb(['check', '--keepalived', conf, '--offline'])).code, 0);
  const r = await runHalb(['run', '-f', conf, '--run-dir', runDir]);
  assert.equal(r.code, 1, r.stderr);
  const line = `${conf}:1:15: error: VRRP instance VI_1: interface 'halbnoif0' does not exist on this node`;
  assert.ok(r.stderr.includes(line), `expected "${line}" in:\n${r.stderr}`);
  assert.ok(check.stderr.includes(line), check.stderr);
  assert.doesNotMatch(r.stdout, /"event":"started"/);
  assert.ok(!existsSync(runDir), 'no VIP bookkeeping written: VRRP never started');
});
