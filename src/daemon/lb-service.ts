// Load-balancer half of the daemon: health monitor + proxy, started from the model and
// reloaded by building a new monitor and hot-swapping the proxy's backends (listeners whose
// bind did not change keep their socket, so a reload never refuses a connection).
import type { HalbConfig } from '../config/model.js';
import type { Logger } from '../log/logger.js';
import { createHealthMonitor, type HealthMonitor } from '../health/monitor.js';
import { createProxy, type Proxy } from '../proxy/proxy.js';
import { SwitchableHealth } from './switchable-health.js';

export class LbService {
  private monitor: HealthMonitor;
  private readonly health: SwitchableHealth;
  private readonly proxy: Proxy;

  constructor(
    config: HalbConfig,
    private readonly logger: Logger,
  ) {
    this.monitor = this.newMonitor(config);
    this.health = new SwitchableHealth(this.monitor);
    this.proxy = createProxy({ frontends: config.frontends, backends: config.backends, health: this.health, logger: logger.child({ component: 'proxy' }) });
  }

  private newMonitor(config: HalbConfig, carryOver?: ReturnType<HealthMonitor['snapshot']>): HealthMonitor {
    return createHealthMonitor({
      backends: config.backends,
      resolvers: config.resolvers,
      logger: this.logger.child({ component: 'health' }),
      ...(carryOver ? { carryOver } : {}),
    });
  }

  get healthMonitor(): HealthMonitor {
    return this.monitor;
  }
  get proxyApi(): Proxy {
    return this.proxy;
  }

  async start(): Promise<void> {
    this.monitor.start();
    // Hostname servers go through init-addr first; unresolved ones simply stay DOWN.
    await this.monitor.ready();
    await this.proxy.start();
  }

  async reload(next: HalbConfig): Promise<void> {
    // Unchanged servers keep their state, health and address: a reload never flaps them.
    const fresh = this.newMonitor(next, this.monitor.snapshot());
    fresh.start();
    await fresh.ready();
    // Swap health first, then the proxy's view: a pick in between sees new health for old
    // servers, which only answers "down" for servers that no longer exist.
    const old = this.health.swap(fresh);
    try {
      await this.proxy.update({ frontends: next.frontends, backends: next.backends });
    } catch (err) {
      this.health.swap(old);
      await fresh.stop();
      throw err;
    }
    this.monitor = fresh;
    await old.stop();
  }

  async stop(): Promise<void> {
    await this.proxy.stop();
    await this.monitor.stop();
  }
}
