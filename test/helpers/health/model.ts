// Test-only builders for config model objects used by health tests.

import type { Backend, HealthCheckSpec, Resolvers, Server } from '../../../src/config/model.js';

export function makeServer(o: Partial<Server> & { name: string; port: number }): Server {
  return {
    address: '127.0.0.1',
    weight: 1,
    backup: false,
    disabled: false,
    check: true,
    checkSsl: false,
    verify: 'none',
    inter: 100,
    rise: 2,
    fall: 3,
    initAddr: [],
    ...o,
  };
}

export function makeBackend(o: Partial<Backend> & { name: string; servers: readonly Server[] }): Backend {
  const healthCheck: HealthCheckSpec = { type: 'tcp' };
  return {
    mode: 'tcp',
    balance: { algo: 'roundrobin', hashType: 'map-based' },
    allBackups: false,
    redispatch: false,
    retries: 3,
    timeouts: {},
    healthCheck,
    httpServerClose: false,
    errorFiles: {},
    ...o,
  };
}

export function makeResolvers(o: Partial<Resolvers> & { name: string; nameservers: Resolvers['nameservers'] }): Resolvers {
  return {
    resolveRetries: 2,
    timeoutRetry: 100,
    hold: { valid: 100, nx: 300, other: 300, refused: 300, timeout: 300 },
    ...o,
  };
}

/** Timing margins scaled by HALB_TEST_TIMESCALE. */
export { TIMESCALE, scaled as ms } from '../timescale.js';
