import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWrk } from '../../../../bench/lb/wrk.js';

const REPORT = `Running 5s test @ http://127.0.0.1:40001/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02ms  312.45us  12.50ms   91.20%
    Req/Sec    49.51k     2.10k   53.00k    78.00%
  Latency Distribution
     50%  980.00us
     75%    1.10ms
     90%    1.30ms
     99%    2.45ms
  246512 requests in 5.00s, 20.45MB read
  Socket errors: connect 0, read 3, write 1, timeout 2
  Non-2xx or 3xx responses: 17
Requests/sec:  49302.40
Transfer/sec:      4.09MB
`;

test('parses request rate, totals and percentiles with their units', () => {
  const r = parseWrk(REPORT);
  assert.equal(r.requests, 246512);
  assert.equal(r.seconds, 5);
  assert.equal(r.reqPerSec, 49302.4);
  assert.equal(r.p50Ms, 0.98);
  assert.equal(r.p99Ms, 2.45);
  assert.equal(r.non2xx3xx, 17);
  assert.deepEqual(r.socketErrors, { connect: 0, read: 3, write: 1, timeout: 2 });
});

test('a clean report has zero errors; seconds-scale latencies convert to ms', () => {
  const text = REPORT.replace(/  Socket errors.*\n/, '')
    .replace(/  Non-2xx.*\n/, '')
    .replace('99%    2.45ms', '99%    1.50s');
  const r = parseWrk(text);
  assert.equal(r.non2xx3xx, 0);
  assert.deepEqual(r.socketErrors, { connect: 0, read: 0, write: 0, timeout: 0 });
  assert.equal(r.p99Ms, 1500);
});

test('output without a request count is an error, not zero', () => {
  assert.throws(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused\n'), /unexpected output/);
});
