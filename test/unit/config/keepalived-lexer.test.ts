import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitCommandLine } from '../../../src/config/keepalived/command-line.js';
import { stripComment, tokenizeLine } from '../../../src/config/keepalived/lexer.js';
import { expandBraces, globPaths, memorySource, normalizePath, resolvePath } from '../../../src/config/keepalived/source.js';

test('command lines split like keepalived: quotes group, escapes as in the shell', () => {
  const argv = (s: string): string[] => {
    const r = splitCommandLine(s);
    assert.ok(r.ok);
    return r.argv;
  };
  assert.deepEqual(argv('/bin/sh -c "test -f /x"'), ['/bin/sh', '-c', 'test -f /x']);
  assert.deepEqual(argv(`abcd" efg h jkl "mnop`), ['abcd efg h jkl mnop']);
  assert.deepEqual(argv(`abcd "efg h jkl" mnop`), ['abcd', 'efg h jkl', 'mnop']);
  assert.deepEqual(argv(`a\\ b 'c "d"' \\x41\\101\\t\\"`), ['a b', 'c "d"', 'AA\t"']);
  assert.deepEqual(argv('  '), []);
  assert.deepEqual(splitCommandLine('"open'), { ok: false, reason: 'missing terminating "' });
});

test('tokens keep columns, quotes group words, braces stand alone', () => {
  const r = tokenizeLine('virtual_ipaddress {10.0.0.1/24} "a b"c', 'f', 3, 4);
  assert.deepEqual(
    r.tokens.map((t) => [t.text, t.col, t.quoted]),
    [
      ['virtual_ipaddress', 5, false],
      ['{', 23, false],
      ['10.0.0.1/24', 24, false],
      ['}', 35, false],
      ['a bc', 37, true],
    ],
  );
  assert.equal(tokenizeLine('x "{"', 'f', 1).tokens[1]!.text, '{');
  assert.deepEqual(tokenizeLine(`x 'oops`, 'f', 1).error, { col: 3, message: "missing terminating '" });
  assert.equal(stripComment(`a "b # c" ! d # e`), `a "b # c" `);
});

test('paths and globs: braces, *, ?, [..], hidden files, sorted like glob(3)', () => {
  assert.equal(normalizePath('/etc/./keepalived/../k//x.conf'), '/etc/k/x.conf');
  assert.equal(resolvePath('/etc/keepalived', '../x'), '/etc/x');
  assert.deepEqual(expandBraces('/a/{b,c{d,e}}/f'), ['/a/b/f', '/a/cd/f', '/a/ce/f']);
  assert.deepEqual(expandBraces('/a/{b}'), ['/a/{b}']);
  const src = memorySource({ '/c/b.conf': '', '/c/a.conf': '', '/c/.h.conf': '', '/c/x1.cfg': '', '/c/x2.cfg': '', '/c/d/e.conf': '' });
  assert.deepEqual(globPaths(src, '/c/*.conf'), ['/c/a.conf', '/c/b.conf']);
  assert.deepEqual(globPaths(src, '/c/x?.cfg'), ['/c/x1.cfg', '/c/x2.cfg']);
  assert.deepEqual(globPaths(src, '/c/x[!1].cfg'), ['/c/x2.cfg']);
  assert.deepEqual(globPaths(src, '/c/*/e.conf'), ['/c/d/e.conf']);
  assert.deepEqual(globPaths(src, '/c/{b,a,z}.conf'), ['/c/b.conf', '/c/a.conf']);
  assert.deepEqual(globPaths(src, '/c/.*.conf'), ['/c/.h.conf']);
});
