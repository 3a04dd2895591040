// `halb run --keepalived F` on a keepalived.conf that must be refused: it exits 1 before touching
// the host — every error printed with file:line:col and directive, no VIP bookkeeping written (so
// nothing was added), no VRRP instance started. No root needed: the refusal happens before any
// socket or address is touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../../bin/halb.js', import.meta.url));

function runHalb(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

const CASES = [
  {
    name: 'out-of-range values and a malformed address',
    text: [
      'global_defs {',
      '    router_id lb1',
      '}',
      'vrrp_instance VI_1 {',
      '    state MASTER',
      '    interface eth0',
      '    virtual_router_id 300',
      '    priority 150',
      '    advert_int 1',
      '    virtual_ipaddress {',
      '        10.0.0.300/24',
      '    }',
      '}',
      '',
    ],
    expect: [/:7:\d+: error: 'virtual_router_id'.*300/, /:11:\d+: error: 'virtual_ipaddress'.*10\.0\.0\.300/],
  },
  {
    name: 'an unterminated block',
    text: ['vrrp_instance VI_1 {', '    interface eth0', '    virtual_router_id 51', '    priority 100', '    virtual_ipaddress {', '        192.0.2.10/24', ''],
    expect: [/:\d+:\d+: error: /],
  },
  {
    name: 'fractional advert_int with VRRPv2 and a bad auth type',
    text: [
      'vrrp_instance VI_1 {',
      '    interface eth0',
      '    virtual_router_id 51',
      '    priority 100',
      '    version 2',
      '    advert_int 0.5',
      '    authentication {',
      '        auth_type NOPE',
      '    }',
      '    virtual_ipaddress {',
      '        192.0.2.10/24',
      '    }',
      '}',
      '',
    ],
    expect: [/:\d+:\d+: error: /],
  },
];

for (const c of CASES) {
  test(`halb run --keepalived refuses ${c.name}: exit 1, file:line errors, nothing added`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'halb-badconf-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const conf = join(dir, 'keepalived.conf');
    writeFileSync(conf, c.text.join('\n'));
    const runDir = join(dir, 'run');
    const r = await runHalb(['run', '--keepalived', conf, '--run-dir', runDir]);
    assert.equal(r.code, 1, `exit code; stderr: ${r.stderr}`);
    for (const re of c.expect) {
      const line = r.stderr.split('\n').find((l) => l.startsWith(`${conf}:`) && re.test(l));
      assert.ok(line, `expected an error matching ${re} naming ${conf}:line:col in stderr:\n${r.stderr}`);
    }
    // Nothing was started: no VIP bookkeeping (the VIP manager never ran), no VRRP transition logged.
    assert.ok(!existsSync(runDir) || readdirSync(runDir).length === 0, 'run dir stays empty');
    assert.doesNotMatch(r.stdout + r.stderr, /vrrp_transition|vrrp_vip_add/);
  });
}

test('halb run --keepalived with a missing file exits 1 and names it', async () => {
  const missing = join(tmpdir(), `halb-missing-${process.pid}.conf`);
  const r = await runHalb(['run', '--keepalived', missing, '--run-dir', join(tmpdir(), `halb-missing-run-${process.pid}`)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
});
