import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../../src/config/haproxy/tokenize.js';

const words = (line: string, env: Record<string, string> = {}): string[] => tokenize(line, env).lines[0]?.words.map((w) => w.text) ?? [];

test('words, columns and line numbers; comments and blank lines dropped', () => {
  const r = tokenize('global\n\n   # only a comment\n  maxconn 100 # trailing\n', {});
  assert.deepEqual(
    r.lines.map((l) => l.line),
    [1, 4],
  );
  assert.deepEqual(r.lines[1]!.words, [
    { text: 'maxconn', col: 3 },
    { text: '100', col: 11 },
  ]);
  assert.deepEqual(r.problems, []);
});

test('HAProxy quoting: double quotes, single quotes, backslash escapes', () => {
  assert.deepEqual(words('a "b c" \'d e\' f\\ g'), ['a', 'b c', 'd e', 'f g']);
  assert.deepEqual(words('a \\# b'), ['a', '#', 'b']);
  assert.deepEqual(words('a "#not comment" # comment'), ['a', '#not comment']);
  assert.deepEqual(words('pre"mid"\'post\''), ['premidpost']);
  assert.deepEqual(words('x HTTP/1.1\\r\\nHost:\\ a'), ['x', 'HTTP/1.1\r\nHost: a']);
  assert.deepEqual(words('x \\x41\\x42'), ['x', 'AB']);
  assert.deepEqual(words("x '$HOME \\n'"), ['x', '$HOME \\n']);
  // Other backslash pairs are not escapes: the backslash stays (HAProxy parse_line).
  assert.deepEqual(words('expect rstring ^\\+OK \\1'), ['expect', 'rstring', '^\\+OK', '\\1']);
  assert.deepEqual(words('a\\'), ['a\\']);
  assert.deepEqual(words('"\\$HOME" \\$HOME'), ['$HOME', '\\$HOME']);
});

test('environment variables expand only inside double quotes', () => {
  const env = { ADDR: '10.0.0.1', PORT: '6443' };
  assert.deepEqual(words('bind "${ADDR}:${PORT}"', env), ['bind', '10.0.0.1:6443']);
  assert.deepEqual(words('bind "$ADDR:$PORT"', env), ['bind', '10.0.0.1:6443']);
  assert.deepEqual(words('bind ${ADDR}', env), ['bind', '${ADDR}']);
  assert.deepEqual(words('x "${NOPE-fallback}" "${ADDR-x}"', env), ['x', 'fallback', '10.0.0.1']);
  assert.deepEqual(words('server "${LIST[*]}" end', { LIST: 'a b  c' }), ['server', 'a', 'b', 'c', 'end']);
  assert.deepEqual(
    tokenize('\n  x "${.LINE}"', {}).lines[0]!.words.map((w) => w.text),
    ['x', '2'],
  );
  assert.equal(tokenize('x "$1"', {}).problems[0]!.severity, 'error');
  assert.equal(tokenize('x "${A"', {}).problems[0]!.severity, 'error');
  const r = tokenize('bind "${NOPE}:80"', {});
  assert.deepEqual(
    r.lines[0]!.words.map((w) => w.text),
    ['bind', ':80'],
  );
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.severity, 'warning');
  assert.match(r.problems[0]!.message, /NOPE.*not set/);
});

test('lexical errors carry line and column', () => {
  const r = tokenize('global\n  description "unterminated\n  x \\xZZ', {});
  assert.deepEqual(
    r.problems.map((p) => [p.line, p.col, p.severity]),
    [
      [2, 15, 'error'],
      [3, 5, 'error'],
    ],
  );
  assert.match(r.problems[0]!.message, /unmatched double quote/);
});
