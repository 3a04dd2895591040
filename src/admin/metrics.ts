// Prometheus view of the whole daemon, on a registry the daemon owns (never prom-client's
// global one, so two daemons can share a process). Every metric is computed in a `collect`
// callback at scrape time from the counters the subsystems already keep: nothing is added to
// the proxy's hot path. Names: halb_<subsystem>_<name>_<unit|total> (conventions §10); labels
// are bounded by the config (frontend/backend/server/instance names) or by fixed tables
// (response class, VRRP state, rejection reason, transition reason).
import { Counter, Gauge, Registry } from 'prom-client';
import type { Counters, ProxyStats } from '../proxy/counters.js';
import type { HealthMonitor } from '../health/monitor.js';
import { registerHealthMetrics } from '../health/metrics.js';
import type { InstanceCounters, InstanceStatus } from '../vrrp/runtime.js';
import { PHASES } from '../vrrp/machine.js';

/** Read-only views of the running subsystems; each may be absent (no frontends, no VRRP). */
export interface MetricSources {
  proxy(): ProxyStats | undefined;
  health(): Pick<HealthMonitor, 'snapshot'> | undefined;
  vrrp(): { counters(): Record<string, InstanceCounters>; status(): InstanceStatus[] } | undefined;
}

type Level = 'frontend' | 'backend' | 'server';
type NumKey = { [K in keyof Counters]: Counters[K] extends number ? K : never }[keyof Counters];

/** Proxy counters exported per level: [metric suffix, help, counter field]. */
const PROXY_COUNTERS: readonly (readonly [string, string, NumKey])[] = [
  ['sessions_total', 'Sessions (TCP connections, or HTTP requests on a server) handled.', 'sessTotal'],
  ['bytes_in_total', 'Bytes received from clients.', 'bytesIn'],
  ['bytes_out_total', 'Bytes sent to clients.', 'bytesOut'],
  ['request_errors_total', 'Bad or aborted client requests (HAProxy ereq).', 'errReq'],
  ['connection_errors_total', 'Failed connections to servers (HAProxy econ).', 'errConn'],
  ['response_errors_total', 'Bad or aborted server responses (HAProxy eresp).', 'errResp'],
  ['retries_total', 'Connection retries to servers (HAProxy wretr).', 'retries'],
  ['redispatches_total', 'Requests redispatched to another server (HAProxy wredis).', 'redispatches'],
  ['http_requests_total', 'HTTP requests.', 'requests'],
];

const RESPONSE_CLASSES: readonly (readonly [string, NumKey])[] = [
  ['1xx', 'http1xx'],
  ['2xx', 'http2xx'],
  ['3xx', 'http3xx'],
  ['4xx', 'http4xx'],
  ['5xx', 'http5xx'],
  ['other', 'httpOther'],
];

/** One row per frontend, backend or server with its labels, from a proxy stats copy. */
function proxyRows(stats: ProxyStats | undefined, level: Level): { labels: Record<string, string>; c: Counters }[] {
  if (!stats) return [];
  switch (level) {
    case 'frontend':
      return stats.frontends.map((f) => ({ labels: { frontend: f.name }, c: f }));
    case 'backend':
      return stats.backends.map((b) => ({ labels: { backend: b.name }, c: b }));
    case 'server':
      return stats.backends.flatMap((b) => b.servers.map((s) => ({ labels: { backend: b.name, server: s.name }, c: s })));
    default: {
      const never: never = level;
      return never;
    }
  }
}

export function createMetricsRegistry(src: MetricSources): Registry {
  const registry = new Registry();
  registerProxyMetrics(registry, src);
  registerRelayMetrics(registry, src);
  registerOverloadMetrics(registry, src);
  // Server state and check counters: the health subsystem's own registration, reused. The
  // monitor is replaced on reload, so it is looked up at every scrape.
  registerHealthMetrics(registry, { snapshot: () => src.health()?.snapshot() ?? [] });
  registerVrrpMetrics(registry, src);
  return registry;
}

function registerProxyMetrics(registry: Registry, src: MetricSources): void {
  // stats() copies a few numbers per server; calling it once per metric keeps collects
  // independent and costs nothing next to the text encoding.
  const stats = (): ProxyStats | undefined => src.proxy();
  for (const level of ['frontend', 'backend', 'server'] as const) {
    const labelNames = level === 'server' ? ['backend', 'server'] : [level];
    new Gauge({
      name: `halb_${level}_current_sessions`,
      help: `Current sessions on the ${level}.`,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const r of proxyRows(stats(), level)) this.set(r.labels, r.c.sessCur);
      },
    });
    for (const [suffix, help, key] of PROXY_COUNTERS) {
      new Counter({
        name: `halb_${level}_${suffix}`,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          for (const r of proxyRows(stats(), level)) this.inc(r.labels, r.c[key]);
        },
      });
    }
    new Counter({
      name: `halb_${level}_http_responses_total`,
      help: 'HTTP responses by status class.',
      labelNames: [...labelNames, 'code'],
      registers: [registry],
      collect() {
        this.reset();
        for (const r of proxyRows(stats(), level)) {
          for (const [code, key] of RESPONSE_CLASSES) this.inc({ ...r.labels, code }, r.c[key]);
        }
      },
    });
  }
}

/** Overload (docs/overload.md): paused listeners, refused clients, the backend queue. */
function registerOverloadMetrics(registry: Registry, src: MetricSources): void {
  const fe = (name: string, help: string, value: (f: ProxyStats['frontends'][number]) => number, gauge = false): void => {
    const collect = function (this: Gauge | Counter): void {
      this.reset();
      for (const f of src.proxy()?.frontends ?? []) (this as Gauge).inc({ frontend: f.name }, value(f));
    };
    if (gauge) new Gauge({ name, help, labelNames: ['frontend'], registers: [registry], collect });
    else new Counter({ name, help, labelNames: ['frontend'], registers: [registry], collect });
  };
  fe('halb_frontend_paused', 'The frontend is at maxconn (its own or global): not accepting, clients wait in the backlog.', (f) => (f.paused ? 1 : 0), true);
  fe('halb_frontend_listener_pauses_total', 'Times the frontend stopped accepting at maxconn.', (f) => f.pauses);
  fe('halb_frontend_refused_connections_total', 'Client connections closed unserved (accept failing for descriptors, hold queue full).', (f) => f.refused);
  const be = (name: string, help: string, value: (b: ProxyStats['backends'][number]) => number, gauge = false): void => {
    const collect = function (this: Gauge | Counter): void {
      this.reset();
      for (const b of src.proxy()?.backends ?? []) (this as Gauge).inc({ backend: b.name }, value(b));
    };
    if (gauge) new Gauge({ name, help, labelNames: ['backend'], registers: [registry], collect });
    else new Counter({ name, help, labelNames: ['backend'], registers: [registry], collect });
  };
  be('halb_backend_queue_current', 'Requests waiting for a server slot (HAProxy qcur).', (b) => b.qcur, true);
  be('halb_backend_queue_max', 'Most requests ever waiting at once (HAProxy qmax).', (b) => b.qmax, true);
  be('halb_backend_queued_total', 'Requests that had to wait for a server slot.', (b) => b.queued);
  be('halb_backend_queue_timeouts_total', 'Requests that left the queue on timeout queue (503, sQ).', (b) => b.queueTimeouts);
  const sv = (name: string, help: string, value: (s: ProxyStats['backends'][number]['servers'][number]) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['backend', 'server'],
      registers: [registry],
      collect() {
        this.reset();
        for (const b of src.proxy()?.backends ?? []) for (const s of b.servers) this.set({ backend: b.name, server: s.name }, value(s));
      },
    });
  };
  sv('halb_server_queue_current', "Requests waiting in the server's own queue (balance source chose it while full).", (s) => s.qcur);
  sv('halb_server_queue_max', "Most requests ever waiting in the server's own queue.", (s) => s.qmax);
}

function registerRelayMetrics(registry: Registry, src: MetricSources): void {
  new Gauge({
    name: 'halb_tcp_relayed_sessions',
    help: 'tcp sessions currently moved by the native relay (after the server answered).',
    registers: [registry],
    collect() {
      this.set(src.proxy()?.relayed?.current ?? 0);
    },
  });
  new Counter({
    name: 'halb_tcp_relayed_sessions_total',
    help: 'tcp sessions handed to the native relay since start.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(src.proxy()?.relayed?.total ?? 0);
    },
  });
}

function registerVrrpMetrics(registry: Registry, src: MetricSources): void {
  const perInstance = (name: string, help: string, pick: (c: InstanceCounters) => number): void => {
    new Counter({
      name,
      help,
      labelNames: ['instance'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [instance, c] of Object.entries(src.vrrp()?.counters() ?? {})) this.inc({ instance }, pick(c));
      },
    });
  };
  // State as a state set (one series per state, value 1 for the current one): alerts read
  // `halb_vrrp_state{state="MASTER"} == 1` without a number-to-state table.
  new Gauge({
    name: 'halb_vrrp_state',
    help: 'VRRP instance state: 1 for the current state, 0 for the others.',
    labelNames: ['instance', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of src.vrrp()?.status() ?? []) for (const p of PHASES) this.set({ instance: s.name, state: p }, s.state === p ? 1 : 0);
    },
  });
  new Gauge({
    name: 'halb_vrrp_priority',
    help: 'Effective VRRP priority (configured priority adjusted by tracking).',
    labelNames: ['instance'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of src.vrrp()?.status() ?? []) this.set({ instance: s.name }, s.priority);
    },
  });
  perInstance('halb_vrrp_adverts_received_total', 'Adverts accepted for this instance.', (c) => c.rxAccepted);
  perInstance('halb_vrrp_adverts_other_vrid_total', 'Adverts seen for other VRIDs on the same link (ignored).', (c) => c.rxOtherVrid);
  perInstance('halb_vrrp_adverts_sent_total', 'Adverts sent.', (c) => c.txAdverts);
  perInstance('halb_vrrp_priority_zero_sent_total', 'Priority-0 adverts sent (master stepping down, RFC 5798 §6.4.3).', (c) => c.txPriorityZero);
  perInstance('halb_vrrp_send_errors_total', 'Adverts that could not be sent.', (c) => c.txErrors);
  perInstance('halb_vrrp_garp_sent_total', 'Gratuitous ARP / unsolicited NA sent for VIPs.', (c) => c.garpSent);
  perInstance('halb_vrrp_vip_errors_total', 'Failed VIP add/delete or GARP operations.', (c) => c.vipErrors);
  perInstance('halb_vrrp_stalls_total', 'Event-loop stalls longer than an advert interval while MASTER or BACKUP (re-checked before acting).', (c) => c.stalls);
  perInstance('halb_vrrp_conflicts_total', 'Peers found sending a conflicting advert for this VRID (each source counted once).', (c) => c.conflicts);
  new Counter({
    name: 'halb_vrrp_adverts_rejected_total',
    help: 'Received adverts dropped, by reason (validate.ts).',
    labelNames: ['instance', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [instance, c] of Object.entries(src.vrrp()?.counters() ?? {})) {
        for (const [reason, n] of Object.entries(c.rxRejected)) this.inc({ instance, reason }, n);
      }
    },
  });
  new Counter({
    name: 'halb_vrrp_transitions_total',
    help: 'VRRP state transitions, by from and to state.',
    labelNames: ['instance', 'from', 'to'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [instance, c] of Object.entries(src.vrrp()?.counters() ?? {})) {
        for (const [key, n] of Object.entries(c.transitions)) {
          const [from = '', to = ''] = key.split('->');
          this.inc({ instance, from, to }, n);
        }
      }
    },
  });
  new Counter({
    name: 'halb_vrrp_transition_reasons_total',
    help: 'VRRP state transitions, by reason.',
    labelNames: ['instance', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [instance, c] of Object.entries(src.vrrp()?.counters() ?? {})) {
        for (const [reason, n] of Object.entries(c.transitionsByReason)) this.inc({ instance, reason }, n);
      }
    },
  });
}
