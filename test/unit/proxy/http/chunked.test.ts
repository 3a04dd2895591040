import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedScanner } from '../../../../src/proxy/http/chunked.js';

function scanAll(text: string, split = 0): { consumed: number; done: boolean; error?: string | undefined } {
  const b = Buffer.from(text, 'latin1');
  const s = new ChunkedScanner();
  let consumed = 0;
  const step = split || b.length;
  for (let i = 0; i < b.length && !s.done; i += step) {
    const n = s.scan(b, i, Math.min(b.length, i + step));
    if (n < 0) return { consumed, done: false, error: s.error };
    consumed += n;
  }
  return { consumed, done: s.done };
}

const BODY = '5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n';

test('chunked body ends exactly after the final CRLF, at every split size', () => {
  for (let split = 1; split <= BODY.length; split++) {
    const r = scanAll(BODY + 'GET / HTTP/1.1\r\n', split);
    assert.equal(r.done, true, `split ${split}`);
    assert.equal(r.consumed, BODY.length, `split ${split}`);
  }
});

test('trailers and uppercase hex', () => {
  const t = 'A\r\n0123456789\r\n0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n';
  assert.deepEqual(scanAll(t), { consumed: t.length, done: true });
  assert.equal(scanAll('1F\r\n' + 'x'.repeat(31) + '\r\n0\r\n\r\n').done, true);
});

test('incomplete bodies are not done', () => {
  for (let i = 0; i < BODY.length; i++) assert.equal(scanAll(BODY.slice(0, i)).done, false);
});

const BAD: [string, string][] = [
  ['no size', '\r\nhello\r\n'],
  ['non-hex size', 'g\r\n'],
  ['bare LF after size', '5\nhello\r\n0\r\n\r\n'],
  ['bare LF after data', '5\r\nhello\n0\r\n\r\n'],
  ['data longer than size', '5\r\nhelloX\r\n0\r\n\r\n'],
  ['huge size', 'fffffffffffffff\r\n'],
  ['negative size', '-1\r\n'],
  ['bare LF in trailer', '0\r\nX: 1\n\r\n'],
  ['CTL in extension', '5;\x01\r\nhello\r\n'],
  // HAProxy's h1_parse_chunk_size: after the size only whitespace, then ';' or CRLF.
  ['garbage after the size (`3 junk`)', '3 junk\r\nabc\r\n0\r\n\r\n'],
  ['garbage after size and tab', '3\tx\r\nabc\r\n0\r\n\r\n'],
  ['unbalanced quote in extension', '3;a="b\r\nabc\r\n0\r\n\r\n'],
  ['quoted CRLF in extension', '3;a="\r\n"\r\nabc\r\n0\r\n\r\n'],
  ['backslash outside quotes', '3;a=\\b\r\nabc\r\n0\r\n\r\n'],
];
for (const [name, text] of BAD) {
  test(`chunked framing error: ${name}`, () => {
    const r = scanAll(text);
    assert.ok(r.error, `expected an error, got ${JSON.stringify(r)}`);
  });
}

test('large chunk is consumed in one step, not byte by byte', () => {
  const data = Buffer.alloc(1 << 20, 0x61);
  const s = new ChunkedScanner();
  assert.equal(s.scan(Buffer.from('100000\r\n'), 0, 8), 8);
  assert.equal(s.scan(data, 0, data.length), data.length);
  const tail = Buffer.from('\r\n0\r\n\r\n');
  assert.equal(s.scan(tail, 0, tail.length), tail.length);
  assert.equal(s.done, true);
});

test('whitespace after the size before `;` or CRLF, and quoted extensions, are accepted (as HAProxy)', () => {
  for (const t of ['3 \r\nabc\r\n0\r\n\r\n', '3 \t;a=b\r\nabc\r\n0 \r\n\r\n', '3;a="x;\\"y"\r\nabc\r\n0\r\n\r\n']) {
    assert.deepEqual(scanAll(t), { consumed: t.length, done: true }, JSON.stringify(t));
    for (let split = 1; split < t.length; split++) assert.equal(scanAll(t, split).done, true, `${JSON.stringify(t)} split ${split}`);
  }
});
