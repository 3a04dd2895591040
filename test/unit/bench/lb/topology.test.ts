import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDownLine, renderHaproxyCfg, renderResponderCfg } from '../../../../bench/lb/topology.js';

test('one haproxy.cfg text carries every frontend, its mode, bind and servers', () => {
  const cfg = renderHaproxyCfg({
    maxconn: 1000,
    redispatch: true,
    frontends: [
      { name: 'fe_http', mode: 'http', port: 4001, servers: [{ name: 's1', port: 5001 }] },
      {
        name: 'fe_fo',
        mode: 'http',
        port: 4002,
        servers: [
          { name: 's1', port: 5002, opts: 'check inter 1s fall 3 rise 2' },
          { name: 's2', port: 5003 },
        ],
      },
    ],
  });
  assert.match(cfg, /^global\n    nbthread 1\n    maxconn 1000$/m);
  assert.match(cfg, /^    retries 3\n    option redispatch$/m);
  assert.match(cfg, /^frontend fe_http\n    mode http\n    bind 127\.0\.0\.1:4001\n    default_backend fe_http_be$/m);
  assert.match(cfg, /^    server s1 127\.0\.0\.1:5002 check inter 1s fall 3 rise 2\n    server s2 127\.0\.0\.1:5003$/m);
  assert.doesNotMatch(renderHaproxyCfg({ maxconn: 1, frontends: [] }), /redispatch/);
  assert.doesNotMatch(cfg, /log/);
});

test('access log: both proxies log one line per request / session to stdout', () => {
  const cfg = renderHaproxyCfg({
    maxconn: 10,
    accessLog: true,
    frontends: [
      { name: 'h', mode: 'http', port: 1, servers: [] },
      { name: 't', mode: 'tcp', port: 2, servers: [] },
    ],
  });
  assert.match(cfg, /^    log stdout format raw local0 info$/m);
  assert.match(cfg, /^    log global$/m);
  assert.match(cfg, /^frontend h\n    mode http\n    bind 127\.0\.0\.1:1\n    option httplog$/m);
  assert.match(cfg, /^frontend t\n    mode tcp\n    bind 127\.0\.0\.1:2\n    option tcplog$/m);
});

test('responder answers itself and names the server', () => {
  assert.match(renderResponderCfg(4003, 64, 's2'), /http-request return status 200 .* hdr x-server s2$/m);
});

test('DOWN is recognised in haproxy and halb log shapes, for the right server only', () => {
  const hap = '[WARNING]  (1) : Server fe_fo_be/s2 is DOWN, reason: Layer4 connection problem, info: "Connection refused"';
  assert.equal(isDownLine(hap, 'fe_fo_be', 's2'), true);
  assert.equal(isDownLine(hap, 'fe_fo_be', 's1'), false);
  assert.equal(isDownLine('Server fe_fo_be/s2 is UP', 'fe_fo_be', 's2'), false);
  const json = '{"level":30,"event":"server_down","backend":"fe_fo_be","server":"s2","reason":"Layer4 connection problem"}';
  assert.equal(isDownLine(json, 'fe_fo_be', 's2'), true);
  assert.equal(isDownLine(json.replace('server_down', 'server_up'), 'fe_fo_be', 's2'), false);
});

test('overload rows: no global maxconn when unset, frontend maxconn, timeout queue, a stats page', () => {
  const cfg = renderHaproxyCfg({
    maxconn: 100000,
    globalMaxconn: 'unset',
    statsPort: 8404,
    frontends: [{ name: 'fe_q', mode: 'http', port: 4001, maxconn: 50, timeoutQueue: '10s', servers: [{ name: 's1', port: 5001, opts: 'maxconn 5' }] }],
  });
  assert.match(cfg, /^global\n    nbthread 1\n\n/m);
  assert.match(cfg, /^frontend fe_q\n    mode http\n    bind 127\.0\.0\.1:4001\n    maxconn 50$/m);
  assert.match(cfg, /^backend fe_q_be\n    mode http\n    balance roundrobin\n    timeout queue 10s\n    server s1 127\.0\.0\.1:5001 maxconn 5$/m);
  assert.match(cfg, /^listen stats\n    mode http\n    bind 127\.0\.0\.1:8404\n    stats enable\n    stats uri \/stats$/m);
  assert.match(renderHaproxyCfg({ maxconn: 10, globalMaxconn: 7, frontends: [] }), /^global\n    nbthread 1\n    maxconn 7$/m);
});
