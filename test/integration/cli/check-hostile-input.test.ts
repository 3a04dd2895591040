// `halb check` (the real binary) on configurations that used to hang it or crash it: an errorfile
// or include naming /dev/zero or a FIFO, a FIFO as the main file, a 1 MB line, 10,000-deep
// nesting, a 50 MB file. Each must be refused fast (haproxy and keepalived take ~0.05 s), exit 1,
// and name the file:line of the directive that pointed at the bad file. The child is killed after
// 20 s, so a regression fails instead of hanging the suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, openSync, closeSync, ftruncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHalb } from '../../helpers/halb-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'halb-hostile-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const fifo = join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);

const haproxyCfg = (errorfile: string): string =>
  [
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 1s',
    '  timeout server 1s',
    'frontend f',
    '  bind 127.0.0.1:8080',
    `  errorfile 503 ${errorfile}`,
    '  default_backend b',
    'backend b',
    '  server s 127.0.0.1:8081',
    '',
  ].join('\n');
const keepalivedConf = (include: string): string =>
  ['vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 51', '  priority 100', '  virtual_ipaddress {', '    192.0.2.10/24', '  }', '}', `include ${include}`, ''].join('\n');
const yamlCfg = (errorfile: string): string =>
  [
    'frontends:',
    '  - name: f',
    '    mode: http',
    '    binds: ["127.0.0.1:8080"]',
    '    defaultBackend: b',
    '    errorFiles:',
    `      "503": ${errorfile}`,
    'backends:',
    '  - name: b',
    '    servers:',
    '      - { name: s, address: 127.0.0.1, port: 8081 }',
    '',
  ].join('\n');

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A sparse file of `bytes` (no disk used), its first line a comment. */
function bigFile(name: string, bytes: number): string {
  const p = join(dir, name);
  const fd = openSync(p, 'w');
  writeSync(fd, '# big\n');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return p;
}

interface Case {
  readonly name: string;
  readonly args: () => string[];
  /** The diagnostic line that must appear in stderr. */
  readonly expect: () => RegExp;
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const CASES: Case[] = [
  {
    name: 'haproxy.cfg errorfile naming /dev/zero',
    args: () => ['--haproxy', file('zero.cfg', haproxyCfg('/dev/zero'))],
    expect: () => new RegExp(`^${esc(join(dir, 'zero.cfg'))}:8:17: error: 'errorfile': cannot read errorfile '/dev/zero': not a regular file \\(it is a character device\\)`),
  },
  {
    name: 'haproxy.cfg errorfile naming a FIFO with no writer',
    args: () => ['--haproxy', file('fifo.cfg', haproxyCfg(fifo))],
    expect: () => new RegExp(`^${esc(join(dir, 'fifo.cfg'))}:8:17: error: 'errorfile': .*not a regular file \\(it is a FIFO\\)`),
  },
  {
    name: 'haproxy.cfg errorfile larger than the HAProxy buffer size',
    args: () => ['--haproxy', file('bigerr.cfg', haproxyCfg(file('503.http', 'HTTP/1.0 503 Busy\r\n\r\n' + 'x'.repeat(20_000))))],
    expect: () => new RegExp(`^${esc(join(dir, 'bigerr.cfg'))}:8:17: error: 'errorfile': .*too large \\(20021 bytes; halb reads at most 16 KiB here\\)`),
  },
  {
    name: 'halb.yaml errorFiles naming /dev/zero',
    args: () => ['-c', file('zero.yaml', yamlCfg('/dev/zero'))],
    expect: () => new RegExp(`^${esc(join(dir, 'zero.yaml'))}:7:\\d+: error: .*cannot read '/dev/zero': not a regular file`),
  },
  {
    name: 'keepalived.conf include of /dev/zero',
    args: () => ['--keepalived', file('zero.conf', keepalivedConf('/dev/zero'))],
    expect: () => new RegExp(`^${esc(join(dir, 'zero.conf'))}:9: error: 'include': cannot read '/dev/zero': not a regular file \\(it is a character device\\)`),
  },
  {
    name: 'keepalived.conf include of a FIFO',
    args: () => ['--keepalived', file('fifo.conf', keepalivedConf(fifo))],
    expect: () => new RegExp(`^${esc(join(dir, 'fifo.conf'))}:9: error: 'include': cannot read '${esc(fifo)}': not a regular file \\(it is a FIFO\\)`),
  },
  {
    name: 'keepalived.conf include glob matching a FIFO in conf.d',
    args: () => {
      mkdirSync(join(dir, 'conf.d'), { recursive: true });
      execFileSync('mkfifo', ['-m', '600', join(dir, 'conf.d', 'x.conf')]);
      return ['--keepalived', file('glob.conf', keepalivedConf('conf.d/*.conf'))];
    },
    expect: () => new RegExp(`^${esc(join(dir, 'glob.conf'))}:9: error: 'include': cannot read '${esc(join(dir, 'conf.d', 'x.conf'))}': not a regular file \\(it is a FIFO\\)`),
  },
  {
    name: 'a FIFO given as the main haproxy.cfg',
    args: () => ['--haproxy', fifo],
    expect: () => new RegExp(`^${esc(fifo)}:0: error: cannot read: not a regular file \\(it is a FIFO\\)`),
  },
  {
    name: 'a 1 MB line in haproxy.cfg',
    args: () => ['--haproxy', file('line.cfg', `global\n  log ${'x '.repeat(500_000)}\n`)],
    expect: () => new RegExp(`^${esc(join(dir, 'line.cfg'))}:2: error: line is 1000006 characters long; halb accepts at most 65536`),
  },
  {
    name: 'a 1 MB line in keepalived.conf',
    args: () => ['--keepalived', file('line.conf', `global_defs {\n  router_id ${'x'.repeat(1_000_000)}\n}\n`)],
    expect: () => new RegExp(`^${esc(join(dir, 'line.conf'))}:2: error: line is 1000012 characters long`),
  },
  {
    name: '10,000-deep blocks in keepalived.conf',
    args: () => ['--keepalived', file('deep.conf', 'vrrp_instance VI_1 {\n' + 'a {\n'.repeat(10_000) + '}\n'.repeat(10_001))],
    expect: () => new RegExp(`^${esc(join(dir, 'deep.conf'))}:33:\\d+: error: blocks nest more than 32 levels deep`),
  },
  {
    name: '10,000-deep flow collections in halb.yaml',
    args: () => ['-c', file('deep.yaml', 'frontends: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n')],
    expect: () => new RegExp(`^${esc(join(dir, 'deep.yaml'))}:1:\\d+: error: 'yaml': nesting is more than 64 levels deep`),
  },
  {
    name: 'a 50 MB haproxy.cfg',
    args: () => ['--haproxy', bigFile('big.cfg', 50 * 1024 * 1024)],
    expect: () => new RegExp(`^${esc(join(dir, 'big.cfg'))}:0: error: cannot read: file is too large \\(52428800 bytes; halb reads at most 4 MiB here\\)`),
  },
  {
    name: 'a 50 MB keepalived.conf include',
    args: () => ['--keepalived', file('biginc.conf', keepalivedConf(bigFile('big.inc', 50 * 1024 * 1024)))],
    expect: () => new RegExp(`^${esc(join(dir, 'biginc.conf'))}:9: error: 'include': cannot read '${esc(join(dir, 'big.inc'))}': file is too large`),
  },
];

for (const c of CASES) {
  test(`halb check refuses ${c.name}: exit 1 within seconds, file:line of the directive`, async () => {
    const r = await runHalb(['check', ...c.args()]);
    assert.equal(r.signal, null, `halb check was killed after ${Math.round(r.ms)} ms (it hung)`);
    assert.equal(r.code, 1, `exit code; stderr:\n${r.stderr.slice(0, 2000)}`);
    const re = c.expect();
    assert.ok(
      r.stderr.split('\n').some((l) => re.test(l)),
      `expected a line matching ${re} in:\n${r.stderr.slice(0, 2000)}`,
    );
    // haproxy/keepalived refuse these in ~0.05 s; node start-up is ~0.3 s here. Generous for a busy machine.
    assert.ok(r.ms < 10_000, `took ${Math.round(r.ms)} ms`);
  });
}
