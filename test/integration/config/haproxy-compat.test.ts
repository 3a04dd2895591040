// Differential check against the real HAProxy (Debian package): configs it accepts, halb
// accepts; misspellings it refuses, halb refuses at the same line. Skipped when haproxy is
// not installed. `haproxy -c` only parses; it binds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { formatDiagnostic } from '../../../src/config/diagnostics.js';
import { ROOT, example } from '../../unit/config/helpers.js';

const haproxyBin = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'].find((p) => spawnSync(p, ['-v']).status === 0);
const skip = haproxyBin ? false : 'haproxy is not installed (scripts/install-deps.sh installs it)';

function haproxyCheck(file: string): { ok: boolean; alertLines: number[]; output: string } {
  const r = spawnSync(haproxyBin!, ['-c', '-f', file], { encoding: 'utf8', timeout: 20_000 });
  const output = `${r.stdout}${r.stderr}`;
  const alertLines = [...output.matchAll(/\[ALERT\].*?\[[^\]]*?:(\d+)\]/g)].map((m) => Number(m[1]));
  return { ok: r.status === 0, alertLines, output };
}

const halb = (file: string) => loadConfig({ haproxy: file }, { readFile: (p) => readFileSync(p, 'utf8'), env: {} });

test('examples are valid for HAProxy and for halb', { skip }, () => {
  for (const name of ['haproxy-k8s-api.cfg', 'haproxy-ingress.cfg']) {
    const h = haproxyCheck(example(name));
    assert.ok(h.ok, h.output);
    const r = halb(example(name));
    assert.ok(r.config, r.diagnostics.map(formatDiagnostic).join('\n'));
  }
});

test('the all-directives fixture is valid for HAProxy and loads in halb with the same meaning of every line', { skip }, () => {
  const dir = join(ROOT, 'test/fixtures/config');
  const file = join(dir, 'all-directives.cfg');
  const r = spawnSync(haproxyBin!, ['-c', '-f', file], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, FIXTURES: dir } });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  const h = loadConfig({ haproxy: file }, { readFile: (p) => readFileSync(p, 'utf8'), env: { FIXTURES: dir } });
  assert.ok(h.config, h.diagnostics.map(formatDiagnostic).join('\n'));
  // HAProxy's own warnings about tcp-mode forwardfor are mirrored by halb.
  for (const be of ['tc', 'ssl', 'first']) {
    assert.match(`${r.stdout}${r.stderr}`, new RegExp(`'option forwardfor' ignored for backend '${be}'`));
    assert.ok(h.diagnostics.some((d) => d.severity === 'warning' && d.message.includes(`'option forwardfor' ignored for backend '${be}'`)));
  }
});

const HEAD = `defaults
    mode tcp
    timeout connect 1s
    timeout client 1s
    timeout server 1s
backend be
`;
const typos: [string, string][] = [
  ['misspelled keyword', '    balnce roundrobin\n'],
  ['unknown balance algorithm', '    balance roundrobn\n'],
  ['unknown server keyword', '    server s1 127.0.0.1:80 chek\n'],
  ['unknown option', '    option redispach\n'],
  ['bad time', '    timeout connect 5x\n'],
  ['unknown timeout', '    timeout conect 5s\n'],
  ['check-ssl verifying without a CA file', '    server s1 127.0.0.1:443 check check-ssl\n'],
];

for (const [name, line] of typos) {
  test(`HAProxy and halb both refuse: ${name}, at line 7`, { skip }, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'halb-compat-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'h.cfg');
    writeFileSync(file, HEAD + line);
    const h = haproxyCheck(file);
    assert.equal(h.ok, false, `haproxy accepted it:\n${h.output}`);
    assert.ok(h.alertLines.includes(7), `haproxy alert lines ${h.alertLines}:\n${h.output}`);
    const r = halb(file);
    assert.equal(r.config, undefined);
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line),
      [7],
      r.diagnostics.map(formatDiagnostic).join('\n'),
    );
  });
}

// Lines HAProxy accepts, and how halb classifies them. An 'error' here is a feature halb does
// not implement (refused because ignoring it would change traffic), not a syntax problem.
const FRONT = `defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend fe
    bind 127.0.0.1:18080
    default_backend be
backend be
    server s1 127.0.0.1:18081
frontend f2
    bind 127.0.0.1:18082
`;
const classified: [string, 'note' | 'warning' | 'error'][] = [
  ['    log 127.0.0.1:514 local0', 'note'],
  ['    option http-keep-alive', 'warning'],
  ['    option log-health-checks', 'warning'],
  ['    log-format "%ci:%cp"', 'warning'],
  ['    capture request header Host len 32', 'warning'],
  ['    timeout client-fin 1s', 'warning'],
  ['    acl is_api path_beg /api', 'error'],
  ['    use_backend be if { path_beg /api }', 'error'],
  ['    http-request set-header X-A b', 'error'],
  ['    tcp-request content accept', 'error'],
  ['    stick-table type ip size 1m', 'error'],
  ['    redirect scheme https', 'error'],
  ['    compression algo gzip', 'error'],
  ['    monitor-uri /up', 'error'],
];

for (const [line, severity] of classified) {
  test(`HAProxy accepts '${line.trim()}'; halb gives a ${severity} at its line`, { skip }, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'halb-compat-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'h.cfg');
    writeFileSync(file, FRONT + line + '\n');
    const h = haproxyCheck(file);
    assert.ok(h.ok, h.output);
    const r = halb(file);
    const hits = r.diagnostics.filter((d) => d.line === 13);
    assert.deepEqual(
      hits.map((d) => d.severity),
      [severity],
      r.diagnostics.map(formatDiagnostic).join('\n'),
    );
    assert.equal(r.config === undefined, severity === 'error');
  });
}
