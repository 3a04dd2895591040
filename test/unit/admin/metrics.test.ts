// The Prometheus registry on fake sources: names, labels and values per subsystem, with
// prom-client's own serialisation (so what is asserted is what a scraper reads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetricsRegistry, type MetricSources } from '../../../src/admin/metrics.js';
import { newCounters, type ProxyStats } from '../../../src/proxy/counters.js';
import type { InstanceCounters, InstanceStatus } from '../../../src/vrrp/runtime.js';

function vrrpCounters(): InstanceCounters {
  return {
    rxAccepted: 12,
    rxRejected: { short: 0, 'bad-ttl': 3 } as unknown as InstanceCounters['rxRejected'],
    rxOtherVrid: 4,
    rxPriorityZero: 0,
    txAdverts: 7,
    txPriorityZero: 1,
    txErrors: 0,
    garpSent: 5,
    vipErrors: 0,
    conflicts: 0,
    stalls: 2,
    transitions: { 'INIT->BACKUP': 1, 'BACKUP->MASTER': 2 },
    transitionsByReason: { startup: 1, 'master-down': 2 } as unknown as InstanceCounters['transitionsByReason'],
  };
}

test('proxy, vrrp and health metrics are collected from the sources at scrape time', async () => {
  let proxy: ProxyStats | undefined;
  let status: InstanceStatus[] = [{ name: 'VI_1', state: 'BACKUP', priority: 100, since: 0 }];
  const src: MetricSources = {
    proxy: () => proxy,
    health: () => undefined,
    vrrp: () => ({ counters: () => ({ VI_1: vrrpCounters() }), status: () => status }),
  };
  const reg = createMetricsRegistry(src);
  const empty = await reg.getSingleMetricAsString('halb_frontend_sessions_total');
  assert.doesNotMatch(empty, /\{/, 'no proxy: no series');

  proxy = {
    frontends: [{ name: 'web', listening: [], paused: true, ...newCounters(), refused: 4, sessTotal: 3, bytesIn: 100, http2xx: 2, http5xx: 1 }],
    backends: [
      {
        name: 'app',
        ...newCounters(),
        qcur: 3,
        qmax: 9,
        queueTimeouts: 5,
        retries: 2,
        redispatches: 1,
        servers: [{ name: 's1', status: 'UP', idleConnections: 0, ...newCounters(), qcur: 2, qmax: 8, sessCur: 1, errConn: 4 }],
      },
    ],
    relayed: { current: 2, total: 7 },
  };
  status = [{ name: 'VI_1', state: 'MASTER', priority: 150, since: 0 }];
  const text = await reg.metrics();
  for (const line of [
    'halb_frontend_sessions_total{frontend="web"} 3',
    'halb_frontend_bytes_in_total{frontend="web"} 100',
    'halb_frontend_paused{frontend="web"} 1',
    'halb_frontend_refused_connections_total{frontend="web"} 4',
    'halb_backend_queue_current{backend="app"} 3',
    'halb_backend_queue_max{backend="app"} 9',
    'halb_backend_queue_timeouts_total{backend="app"} 5',
    'halb_server_queue_current{backend="app",server="s1"} 2',
    'halb_server_queue_max{backend="app",server="s1"} 8',
    'halb_frontend_http_responses_total{frontend="web",code="2xx"} 2',
    'halb_frontend_http_responses_total{frontend="web",code="5xx"} 1',
    'halb_backend_retries_total{backend="app"} 2',
    'halb_backend_redispatches_total{backend="app"} 1',
    'halb_server_current_sessions{backend="app",server="s1"} 1',
    'halb_server_connection_errors_total{backend="app",server="s1"} 4',
    'halb_tcp_relayed_sessions 2',
    'halb_tcp_relayed_sessions_total 7',
    'halb_vrrp_state{instance="VI_1",state="MASTER"} 1',
    'halb_vrrp_state{instance="VI_1",state="BACKUP"} 0',
    'halb_vrrp_priority{instance="VI_1"} 150',
    'halb_vrrp_adverts_received_total{instance="VI_1"} 12',
    'halb_vrrp_adverts_rejected_total{instance="VI_1",reason="bad-ttl"} 3',
    'halb_vrrp_adverts_other_vrid_total{instance="VI_1"} 4',
    'halb_vrrp_stalls_total{instance="VI_1"} 2',
    'halb_vrrp_priority_zero_sent_total{instance="VI_1"} 1',
    'halb_vrrp_garp_sent_total{instance="VI_1"} 5',
    'halb_vrrp_transitions_total{instance="VI_1",from="BACKUP",to="MASTER"} 2',
    'halb_vrrp_transition_reasons_total{instance="VI_1",reason="master-down"} 2',
  ]) {
    assert.ok(text.split('\n').includes(line), `missing: ${line}`);
  }
  // Health metrics are registered too (from src/health/metrics.ts), empty without a monitor.
  assert.match(text, /# TYPE halb_server_state gauge/);
  // Every metric name follows halb_<subsystem>_<name>_<unit|total>.
  for (const m of reg.getMetricsAsArray()) assert.match(m.name, /^halb_[a-z]+_[a-z0-9_]+$/);
});

test('two daemons in one process get separate registries', async () => {
  const a = createMetricsRegistry({ proxy: () => undefined, health: () => undefined, vrrp: () => undefined });
  const b = createMetricsRegistry({ proxy: () => undefined, health: () => undefined, vrrp: () => undefined });
  assert.notEqual(a, b);
  assert.ok((await a.metrics()).includes('# TYPE halb_vrrp_state gauge'));
});
