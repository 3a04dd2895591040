// The text view of JSON log lines (`--log-format text`, the default on a terminal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTextBatch, formatTextLine } from '../../../src/log/text-format.js';

const plain = { color: false };

test('text format: time, level, component, message, then the other fields as key=value', () => {
  const line = JSON.stringify({
    level: 40,
    time: '2026-12-08T01:10:51.123Z',
    name: 'halb',
    component: 'vrrp',
    event: 'link_watch_error',
    err: 'ip exited (1): x y',
    instance: 'VI_1',
    msg: 'interface watcher restarted',
  });
  assert.equal(formatTextLine(line, plain), '01:10:51.123 WARN  [vrrp] interface watcher restarted  event=link_watch_error err="ip exited (1): x y" instance=VI_1\n');
});

test('text format: an error object shows its message; colour only when asked', () => {
  const line = JSON.stringify({
    level: 50,
    time: '2026-12-08T01:10:51.123Z',
    name: 'halb',
    event: 'reload_failed',
    err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' },
    msg: 'reload failed',
  });
  assert.equal(formatTextLine(line, plain), '01:10:51.123 ERROR reload failed  event=reload_failed err="boom"\n');
  assert.equal(formatTextLine(line, { color: true }).slice(13, 23), '\x1b[31mERROR');
});

test('text format: access lines in HAProxy httplog order', () => {
  const http = {
    level: 30,
    time: '2026-12-08T01:10:52.004Z',
    name: 'halb',
    component: 'proxy',
    event: 'access',
    mode: 'http',
    frontend: 'web',
    backend: 'app',
    server: 's1',
    client: '127.0.0.1:40312',
    connectMs: 0.4,
    responseMs: 1.1,
    totalMs: 1.3,
    bytesIn: 78,
    bytesOut: 311,
    status: 200,
    termination: '--',
    retries: 0,
    redispatches: 0,
    method: 'GET',
    uri: '/',
  };
  const tcp = { ...http, mode: 'tcp', status: undefined, method: undefined, uri: undefined, termination: 'SD', reason: 'ECONNRESET' };
  const out = formatTextBatch(`${JSON.stringify(http)}\n${JSON.stringify(tcp)}\n`, plain);
  assert.equal(
    out,
    '01:10:52.004 ACCESS 127.0.0.1:40312 web app/s1 200 -- 0.4/1.1/1.3ms 78/311B "GET /"\n' + '01:10:52.004 ACCESS 127.0.0.1:40312 web app/s1 SD 0.4/1.1/1.3ms 78/311B reason=ECONNRESET\n',
  );
});

test('text format: a line that is not JSON passes unchanged', () => {
  assert.equal(formatTextLine('not json', plain), 'not json\n');
  assert.equal(formatTextLine('not json\n', plain), 'not json\n');
});
