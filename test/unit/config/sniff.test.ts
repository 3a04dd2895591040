// Format detection by content, and the source resolution `-c/--haproxy/--keepalived/-f` build on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sniffConfig } from '../../../src/config/sniff.js';
import { resolveSources } from '../../../src/cli/sources.js';
import { UsageError } from '../../../src/cli/exit-codes.js';
import { ConfigError } from '../../../src/config/diagnostics.js';
import { example, memFs } from './helpers.js';

test('sniff: each format by its first decisive line, comments skipped', () => {
  assert.deepEqual(sniffConfig('# haproxy\n\nglobal\n    maxconn 100\n'), { format: 'haproxy', line: 3, evidence: 'global' });
  assert.deepEqual(sniffConfig('frontend web\n  bind :80\n'), { format: 'haproxy', line: 1, evidence: 'frontend web' });
  assert.equal(sniffConfig('global # tuned\n').format, 'haproxy');
  assert.equal(sniffConfig('frontend web from base\n').format, 'haproxy');
  assert.equal(sniffConfig('listen stats 0.0.0.0:8404\n').format, 'haproxy');
  assert.equal(sniffConfig('defaults:\n  x: 1\n').format, 'unknown');
  assert.deepEqual(sniffConfig('! Configuration File for keepalived\nglobal_defs {\n  router_id lb1\n}\n'), { format: 'keepalived', line: 2, evidence: 'global_defs {' });
  assert.deepEqual(sniffConfig('vrrp_instance VI_1\n{\n  state MASTER\n}\n'), { format: 'keepalived', line: 1, evidence: 'vrrp_instance VI_1' });
  assert.deepEqual(sniffConfig('# halb\nglobal:\n  maxconn: 10\n'), { format: 'yaml', line: 2, evidence: 'global:' });
  assert.deepEqual(sniffConfig('---\nfrontends: []\n'), { format: 'yaml', line: 1, evidence: '---' });
  assert.deepEqual(sniffConfig('$IF=eth0\ninclude conf.d/*.conf\n'), { format: 'keepalived', line: 1, evidence: '$IF=eth0' });
  assert.deepEqual(sniffConfig('include /etc/keepalived/conf.d/*.conf\n'), { format: 'keepalived', line: 1, evidence: 'include /etc/keepalived/conf.d/*.conf' });
  assert.deepEqual(sniffConfig(''), { format: 'unknown' });
  assert.deepEqual(sniffConfig('hello world\n'), { format: 'unknown' });
});

test('sniff: every shipped example and config fixture is recognised as its own format', () => {
  const dirs = [example('.'), fixture('config'), fixture('keepalived'), fixture('keepalived/includes'), fixture('keepalived/includes/conf.d')];
  let n = 0;
  for (const dir of dirs) {
    for (const name of readdirSync(dir)) {
      const want = name.endsWith('.cfg') ? 'haproxy' : name.endsWith('.conf') ? 'keepalived' : /\.ya?ml$/.test(name) ? 'yaml' : undefined;
      if (!want) continue;
      assert.equal(sniffConfig(readFileSync(join(dir, name), 'utf8')).format, want, join(dir, name));
      n++;
    }
  }
  assert.ok(n >= 10, `only ${n} files checked`);
});

const fixture = (p: string): string => join(example('.'), '..', 'test', 'fixtures', p);

const FILES = {
  'lb.cfg': 'defaults\n  mode http\nbackend b\n  server s 127.0.0.1:80\n',
  'vrrp.conf': 'vrrp_instance VI_1 {\n  interface eth0\n}\n',
  'halb.yaml': 'backends:\n  - name: b\n',
  'other.cfg': 'listen x\n  bind :81\n',
  'notes.txt': 'nothing here\n',
};
const read = memFs(FILES);

test('resolveSources: -f detects each file; explicit flags pass through', () => {
  assert.deepEqual(resolveSources({ file: ['lb.cfg', 'vrrp.conf'] }, read), { haproxy: 'lb.cfg', keepalived: 'vrrp.conf' });
  assert.deepEqual(resolveSources({ file: ['halb.yaml'] }, read), { yaml: 'halb.yaml' });
  assert.deepEqual(resolveSources({ haproxy: 'lb.cfg', keepalived: 'vrrp.conf' }, read), { haproxy: 'lb.cfg', keepalived: 'vrrp.conf' });
  // An unreadable file under a format flag is left to loadConfig, which reports it.
  assert.deepEqual(resolveSources({ config: 'missing.yaml' }, read), { yaml: 'missing.yaml' });
});

test('resolveSources: a file under the wrong flag names the right one', () => {
  assert.throws(
    () => resolveSources({ config: 'lb.cfg' }, read),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, 'lb.cfg looks like a haproxy.cfg, not a halb.yaml (line 1: defaults): use --haproxy lb.cfg (or -f lb.cfg, which detects the format)');
      return true;
    },
  );
  assert.throws(() => resolveSources({ haproxy: 'vrrp.conf' }, read), /vrrp\.conf looks like a keepalived\.conf, not a haproxy\.cfg .*use --keepalived vrrp\.conf/);
  assert.throws(() => resolveSources({ keepalived: 'halb.yaml' }, read), /halb\.yaml looks like a halb\.yaml, not a keepalived\.conf .*use -c halb\.yaml/);
});

test('resolveSources: unknown content, two files of one format, a format the command does not take, an unreadable -f', () => {
  assert.throws(
    () => resolveSources({ file: ['notes.txt'] }, read),
    (e: unknown) => e instanceof UsageError && /cannot tell what notes\.txt is/.test(e.message),
  );
  assert.throws(() => resolveSources({ file: ['lb.cfg', 'other.cfg'] }, read), /two haproxy\.cfg files given \(lb\.cfg and other\.cfg\)/);
  assert.throws(
    () => resolveSources({ file: ['halb.yaml'] }, read, ['haproxy', 'keepalived']),
    /halb\.yaml is a halb\.yaml .*this command takes --haproxy haproxy\.cfg or --keepalived keepalived\.conf/,
  );
  assert.throws(
    () => resolveSources({ file: ['nope.cfg'] }, read),
    (e: unknown) => e instanceof ConfigError && e.diagnostics[0]!.file === 'nope.cfg' && /cannot read/.test(e.message),
  );
});
