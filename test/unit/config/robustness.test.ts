// Hostile or random input never crashes a loader: it yields diagnostics with positions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/load.js';
import { memFs } from './helpers.js';
import { seededRandom as rng } from '../../helpers/rng.js';

const WORDS = [
  'global',
  'defaults',
  'frontend',
  'backend',
  'listen',
  'resolvers',
  'fe',
  'be',
  'bind',
  ':80',
  '*:443',
  '[::1]:8',
  'server',
  's1',
  '10.0.0.1:80',
  'host.example:1',
  'check',
  'inter',
  '2s',
  'rise',
  'fall',
  '0',
  '-1',
  '99999999999',
  'weight',
  'option',
  'httpchk',
  'tcp-check',
  'http-check',
  'expect',
  '!',
  'status',
  'rstatus',
  '(',
  'send',
  'connect',
  'port',
  'ssl',
  'timeout',
  'client',
  'connect',
  'balance',
  'source',
  'hash-type',
  'default-server',
  'default_backend',
  'stats',
  'enable',
  'uri',
  'auth',
  'a:b',
  'socket',
  'errorfile',
  '503',
  '/nope',
  'nameserver',
  'hold',
  'valid',
  'from',
  '"',
  "'",
  '\\',
  '#',
  '"${X}"',
  '\\x4',
  'no',
  'mode',
  'http',
  'tcp',
  'use_backend',
  'init-addr',
  'last,,',
  'resolvers',
];

test('random haproxy.cfg word soup never throws', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const lines: string[] = [];
    const n = 1 + Math.floor(r() * 30);
    for (let i = 0; i < n; i++) {
      const k = Math.floor(r() * 8);
      lines.push(' '.repeat(Math.floor(r() * 3)) + Array.from({ length: k }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' '));
    }
    const text = lines.join('\n');
    let res;
    assert.doesNotThrow(() => {
      res = loadConfig({ haproxy: 'f.cfg' }, { readFile: memFs({ 'f.cfg': text }), env: {} });
    }, `seed ${seed}:\n${text}`);
    for (const d of res!.diagnostics) {
      assert.ok(d.line >= 0 && d.line <= n + 1, `seed ${seed}: line ${d.line}`);
      assert.equal(typeof d.message, 'string');
    }
  }
});

test('random bytes and mangled YAML never throw', () => {
  const base =
    'frontends:\n  - name: a\n    binds: ["*:80"]\n    defaultBackend: b\nbackends:\n  - name: b\n    servers: [{ name: s, address: 10.0.0.1, port: 80 }]\nvrrp:\n  instances: [{ name: V, interface: eth0, vrid: 1, virtualAddresses: [10.0.0.9] }]\n';
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const chars = [...base];
    const edits = 1 + Math.floor(r() * 6);
    for (let i = 0; i < edits; i++) {
      const at = Math.floor(r() * chars.length);
      const op = r();
      if (op < 0.4) chars.splice(at, 1);
      else if (op < 0.8) chars.splice(at, 0, String.fromCharCode(32 + Math.floor(r() * 95)));
      else chars[at] = String.fromCharCode(Math.floor(r() * 256));
    }
    const text = chars.join('');
    assert.doesNotThrow(() => loadConfig({ yaml: 'f.yaml' }, { readFile: memFs({ 'f.yaml': text }) }), `seed ${seed}:\n${text}`);
  }
});
