// Node software registry: the one place that maps a kind to its adapter.
import type { Lab } from './topology.js';
import type { VrrpNodeConfig } from './keepalived-conf.js';
import type { Availability, SoftwareKind, VrrpNodeSoftware } from './node-software.js';
import { KeepalivedNode, keepalivedAvailability } from './keepalived-node.js';
import { HalbNode, halbAvailability } from './halb-node.js';

/** `haproxyCfg`: the load-balancer config for node software that also proxies (halb only). */
export function createNodeSoftware(kind: SoftwareKind, lab: Lab, host: string, config: VrrpNodeConfig, haproxyCfg?: string): VrrpNodeSoftware {
  switch (kind) {
    case 'keepalived':
      return new KeepalivedNode(lab, host, config);
    case 'halb':
      return new HalbNode(lab, host, config, haproxyCfg);
    default: {
      const never: never = kind;
      throw new Error(`unknown node software ${String(never)}`);
    }
  }
}

export function softwareAvailability(kind: SoftwareKind): Promise<Availability> {
  return kind === 'keepalived' ? keepalivedAvailability() : halbAvailability();
}
