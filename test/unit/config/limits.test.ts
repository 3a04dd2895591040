// Config limits in the pure parsers: a huge line, deep nesting and too many included bytes are
// refused with file:line before any recursion, and quickly (the inputs the daemon must survive).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_LIMITS, findLongLine, formatBytes } from '../../../src/config/limits.js';
import { Diagnostics, formatDiagnostic } from '../../../src/config/diagnostics.js';
import { parseKeepalived, memorySource } from '../../../src/config/keepalived/load.js';
import { tooDeep } from '../../../src/config/yaml/bounded-parse.js';
import { haproxy, yamlFull } from './helpers.js';

const ROOT = '/etc/keepalived/keepalived.conf';
const INSTANCE = 'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority 100\n virtual_ipaddress {\n  10.0.0.1/24\n }\n}\n';

function keepalived(files: Record<string, string>): { ok: boolean; lines: string[]; ms: number } {
  const d = new Diagnostics();
  const t0 = performance.now();
  const cfg = parseKeepalived(ROOT, memorySource(files), d, { configId: 'x' });
  return { ok: cfg !== undefined, lines: d.errors().map(formatDiagnostic), ms: performance.now() - t0 };
}

test('findLongLine: the first line over the limit, CRLF not counted, none when all fit', () => {
  assert.equal(findLongLine('ab\ncd\n', 2), undefined);
  assert.deepEqual(findLongLine('ab\nabc\nabcd', 2), { line: 2, length: 3 });
  assert.equal(findLongLine('ab\r\ncd', 2), undefined);
  assert.deepEqual(findLongLine('x'.repeat(10), 9), { line: 1, length: 10 });
  assert.equal(findLongLine('', 0), undefined);
});

test('formatBytes names the limits as the docs do', () => {
  assert.equal(formatBytes(CONFIG_LIMITS.fileBytes), '4 MiB');
  assert.equal(formatBytes(CONFIG_LIMITS.errorfileBytes), '16 KiB');
  assert.equal(formatBytes(100), '100 bytes');
});

test('keepalived.conf: 10,000 nested blocks are refused at the first block past the limit, without recursion', () => {
  const deep = 'vrrp_instance VI_1 {\n' + 'a {\n'.repeat(10_000) + '}\n'.repeat(10_000) + '}\n';
  const r = keepalived({ [ROOT]: deep });
  assert.equal(r.ok, false);
  const hit = r.lines.find((l) => /nest more than 32 levels/.test(l));
  // Line 1 opens level 1; level 33 is opened on line 33.
  assert.ok(hit?.startsWith(`${ROOT}:33:`), r.lines.join('\n'));
  assert.ok(r.ms < 2000, `took ${r.ms} ms`);
});

test('keepalived.conf: nesting up to the limit is accepted by the block parser', () => {
  const d = 32;
  const text = INSTANCE + 'global_defs {\n' + 'a {\n'.repeat(d - 1) + '}\n'.repeat(d - 1) + '}\n';
  const r = keepalived({ [ROOT]: text });
  assert.ok(!r.lines.some((l) => /nest more than/.test(l)), r.lines.join('\n'));
});

test('keepalived.conf: a 1 MB line is refused with its file:line, also in an include', () => {
  const long = ` notify "${'x '.repeat(500_000)}"`;
  const r = keepalived({ [ROOT]: 'include /etc/keepalived/big.conf\n' + INSTANCE, '/etc/keepalived/big.conf': `# big\n${long}\n` });
  assert.equal(r.ok, false);
  assert.ok(
    r.lines.some((l) => l.startsWith('/etc/keepalived/big.conf:2: error: line is 1000010 characters long; halb accepts at most 65536')),
    r.lines.join('\n'),
  );
  assert.ok(r.ms < 2000, `took ${r.ms} ms`);
});

test('keepalived.conf: includes that together exceed the total limit stop at the include that crosses it', () => {
  const chunk = '# ' + 'x'.repeat(1000) + '\n';
  const file = chunk.repeat(Math.ceil(CONFIG_LIMITS.fileBytes / chunk.length) - 1);
  const files: Record<string, string> = { [ROOT]: INSTANCE + 'include /etc/keepalived/conf.d/*.conf\n' };
  for (let i = 0; i < 6; i++) files[`/etc/keepalived/conf.d/${i}.conf`] = file;
  const r = keepalived(files);
  assert.equal(r.ok, false);
  assert.ok(
    r.lines.some((l) => l.startsWith(`${ROOT}:9: error: 'include': '/etc/keepalived/conf.d/4.conf' brings the files read for this configuration over 16 MiB`)),
    r.lines.join('\n'),
  );
});

test('haproxy.cfg: a 1 MB line is refused with file:line, the lines after it still parsed', () => {
  const { diags } = haproxy(`global\n  log ${'x'.repeat(1_000_000)}\nfrontend f\n  bind 127.0.0.1:8080\n  mode tcpx\n`);
  const lines = diags.filter((d) => d.severity === 'error').map(formatDiagnostic);
  assert.ok(
    lines.some((l) => l.startsWith('h.cfg:2: error: line is 1000006 characters long')),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.startsWith('h.cfg:5:')),
    'the line after the long one is still checked',
  );
});

test('halb.yaml: 10,000 nested brackets or indentation levels are refused with file:line:col', () => {
  const t0 = performance.now();
  const r = yamlFull('frontends: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n');
  assert.equal(r.config, undefined);
  const lines = r.diagnostics.map(formatDiagnostic);
  assert.ok(
    lines.some((l) => /^halb\.yaml:1:\d+: error: 'yaml': nesting is more than 64 levels deep/.test(l)),
    lines.join('\n'),
  );
  assert.ok(!lines.some((l) => /call stack/.test(l)), lines.join('\n'));
  assert.ok(performance.now() - t0 < 3000);
  const block = 'a:\n' + Array.from({ length: 100 }, (_, i) => ' '.repeat(i + 1) + 'a:\n').join('');
  const r2 = yamlFull(block);
  const l2 = r2.diagnostics.map(formatDiagnostic);
  assert.ok(
    l2.some((l) => /^halb\.yaml:65:\d+: error: 'yaml': nesting is more than 64/.test(l)),
    l2.join('\n'),
  );
});

test('halb.yaml: a 1 MB line is refused with its line number', () => {
  const r = yamlFull(`global:\n  maxconn: 10\n# ${'x'.repeat(1_000_000)}\n`);
  const lines = r.diagnostics.map(formatDiagnostic);
  assert.equal(r.config, undefined);
  assert.ok(
    lines.some((l) => l.startsWith("halb.yaml:3: error: 'yaml': line is 1000002 characters long")),
    lines.join('\n'),
  );
});

test('tooDeep: counts flow and block collections, keys too', () => {
  assert.equal(tooDeep('a: [1, {b: [2]}]\n', 4), undefined);
  assert.deepEqual(tooDeep('a: [1, {b: [2]}]\n', 3), { offset: 11 });
  assert.equal(tooDeep('a:\n  b:\n    - c\n', 3), undefined);
  assert.ok(tooDeep('a:\n  b:\n    - c\n', 2));
  assert.ok(tooDeep('? [[[1]]]\n: x\n', 3));
});

test('halb.yaml: an alias bomb is refused by the alias limit, with file:line', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 10; i++)
    lines.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
        .fill('*' + String.fromCharCode(96 + i))
        .join(', ')}]`,
    );
  const r = yamlFull(lines.join('\n') + '\n');
  assert.equal(r.config, undefined);
  assert.ok(
    r.diagnostics.some((d) => d.severity === 'error' && d.file === 'halb.yaml' && /alias|Excessive/i.test(d.message)),
    r.diagnostics.map(formatDiagnostic).join('\n'),
  );
});

test('keepalived.conf: a brace bomb in an include is refused at its line instead of expanding 16 M paths', () => {
  const r = keepalived({ [ROOT]: INSTANCE + `include /etc/keepalived/x${'{a,b}'.repeat(24)}\n` });
  assert.equal(r.ok, false);
  assert.ok(
    r.lines.some((l) => l.startsWith(`${ROOT}:9: error: 'include': `) && l.includes('brace expansion gives more than 1024 patterns')),
    r.lines.join('\n'),
  );
  assert.ok(r.ms < 2000, `took ${r.ms} ms`);
});

test('keepalived.conf: definitions that multiply a line stop at the line limit', () => {
  const v = 'x'.repeat(60_000);
  const defs = [`$A=${v}`, '$B=$A $A $A $A $A $A $A $A', '$C=$B $B $B $B $B $B $B $B', '$D=$C $C $C $C $C $C $C $C'];
  const r = keepalived({ [ROOT]: `${defs.join('\n')}\nglobal_defs {\n router_id $D\n}\n` });
  assert.equal(r.ok, false);
  assert.ok(
    r.lines.some((l) => l.startsWith(`${ROOT}:6: error: definition '$`) && l.includes('expands this line beyond 65536 characters')),
    r.lines.join('\n'),
  );
  assert.ok(r.ms < 2000, `took ${r.ms} ms`);
});

test('keepalived.conf: a ~SEQ that expands past the total limit stops there, without parsing the rest', () => {
  const r = keepalived({ [ROOT]: `~SEQ(i, 200000) global_defs { router_id ${'x'.repeat(60_000)} }\n` });
  assert.equal(r.ok, false);
  assert.deepEqual(r.lines, [`${ROOT}:1: error: configuration expands to more than 16 MiB; stopping`]);
  assert.ok(r.ms < 2000, `took ${r.ms} ms`);
});

test('haproxy.cfg: setenv that doubles a variable per line stops at the line limit with file:line:col', () => {
  const text = `global\n  setenv A ${'x'.repeat(1000)}\n` + '  setenv A "${A}${A}${A}${A}"\n'.repeat(20);
  const t0 = performance.now();
  const { diags } = haproxy(text);
  const lines = diags.filter((d) => d.severity === 'error').map(formatDiagnostic);
  // 1000 x 4^k passes 65536 at k = 4: the 4th setenv line (line 6).
  assert.ok(lines[0]?.startsWith('h.cfg:6:') && lines[0].includes('environment variables expand this line beyond 65536 characters'), lines.join('\n'));
  assert.ok(performance.now() - t0 < 2000);
});
