// Prometheus view of the health monitor, computed at scrape time from the monitor's
// own counters (no second bookkeeping). Labels are bounded: backend and server names
// come from the config. Names follow conventions §10: halb_<subsystem>_<name>_<unit|total>.

import { Counter, Gauge, type Registry } from 'prom-client';
import type { HealthMonitor, ServerCounters, ServerSnapshot } from './monitor.js';

const STATE_VALUE = { DOWN: 0, UP: 1, MAINT: 2 } as const;

export function registerHealthMetrics(registry: Registry, monitor: Pick<HealthMonitor, 'snapshot'>): void {
  const labelNames = ['backend', 'server'] as const;
  const counter = (name: string, help: string, key: keyof ServerCounters): void => {
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of monitor.snapshot()) this.inc({ backend: s.backend, server: s.server }, s.counters[key]);
      },
    });
  };
  counter('halb_health_checks_total', 'Active health checks started.', 'checks');
  counter('halb_health_check_failures_total', 'Active health checks that failed.', 'checkFailures');
  counter('halb_health_transitions_total', 'Server state transitions (UP/DOWN).', 'transitions');
  counter('halb_health_passive_failures_total', 'Connection failures reported by the proxy.', 'passiveFailures');
  counter('halb_dns_queries_total', 'Address resolutions (init-addr libc and resolvers).', 'dnsQueries');
  counter('halb_dns_failures_total', 'Address resolutions that gave no usable address.', 'dnsFailures');
  new Gauge({
    name: 'halb_server_state',
    help: 'Server operational state: 0 DOWN, 1 UP, 2 MAINT.',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of monitor.snapshot()) this.set({ backend: s.backend, server: s.server }, STATE_VALUE[s.state]);
    },
  });
  new Gauge({
    name: 'halb_health_check_duration_seconds',
    help: 'Duration of the last completed active check.',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of monitor.snapshot() as ServerSnapshot[]) {
        if (s.lastCheck) this.set({ backend: s.backend, server: s.server }, s.lastCheck.durationMs / 1000);
      }
    },
  });
}
