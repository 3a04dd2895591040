// Starts a proxy for one test and stops it (and everything registered) afterwards.
import type { TestContext } from 'node:test';
import type { Backend, Frontend } from '../../src/config/model.js';
import { StaticHealthState } from '../../src/health/static-state.js';
import { createProxy, type Proxy } from '../../src/proxy/proxy.js';
import { captureLogger, type CapturedLogger } from './log-capture.js';
import { startTcpBackend } from './backends.js';
import { backend, server } from './proxy-fixtures.js';

export interface Harness {
  readonly proxy: Proxy;
  readonly health: StaticHealthState;
  /** Access-log lines only (event: 'access'). */
  readonly log: CapturedLogger;
  /** Every log line (listen events, errors, access). */
  readonly allLogs: CapturedLogger;
  /** Port of the first bind of the named frontend (or of the first frontend). */
  port(frontend?: string): number;
}

export async function startProxy(
  t: TestContext,
  frontends: Frontend[],
  backends: Backend[],
  opts: { health?: StaticHealthState; random?: () => number; nativeRelay?: boolean; maxconn?: number } = {},
): Promise<Harness> {
  const health = opts.health ?? new StaticHealthState();
  const log = captureLogger();
  const proxy = createProxy({ frontends, backends, health, logger: log.logger, random: opts.random, nativeRelay: opts.nativeRelay, maxconn: opts.maxconn });
  t.after(() => proxy.stop());
  await proxy.start();
  const access: CapturedLogger = {
    logger: log.logger,
    get lines() {
      return log.lines.filter((l) => l.event === 'access');
    },
    waitFor: (pred, timeoutMs) => log.waitFor((l) => l.event === 'access' && pred(l), timeoutMs),
  };
  return {
    proxy,
    health,
    log: access,
    allLogs: log,
    port(name?: string) {
      const a = proxy.addresses().find((x) => name === undefined || x.frontend === name);
      if (!a) throw new Error(`no frontend ${name}`);
      return a.port;
    },
  };
}

/** Registers cleanup for anything with close(). */
export function cleanup<T extends { close(): Promise<void> }>(t: TestContext, x: T): T {
  t.after(() => x.close());
  return x;
}

/**
 * tcp mode over two servers, `first` balancing: `rst` resets every connection at its first bytes
 * without answering, `echo` echoes. A session therefore reaches `echo` only by the transparent
 * retry that replays the client's bytes.
 */
export async function startResetThenEcho(t: TestContext, frontends: Frontend[], opts: { nativeRelay?: boolean } = {}): Promise<Harness> {
  const rst = cleanup(t, await startTcpBackend((s) => s.once('data', () => s.resetAndDestroy())));
  const echo = cleanup(t, await startTcpBackend());
  return startProxy(
    t,
    frontends,
    [backend('be', [server('rst', rst.port), server('echo', echo.port)], { mode: 'tcp', balance: { algo: 'first', hashType: 'consistent' }, retries: 2, redispatch: true })],
    opts,
  );
}
