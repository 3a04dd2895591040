// Argument and privilege handling shared by the investigation tools run as scripts
// (failover-timeline.ts, sigterm-probe.ts).
import { requireRoot } from '../src/lab/root.js';

/** Looks up `--name value` in argv; undefined when absent. */
export function optionReader(args: readonly string[]): (name: string) => string | undefined {
  return (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
}

/** Lab tools need root for network namespaces: without it, say why and exit 0. */
export async function exitUnlessRoot(tool: string): Promise<void> {
  const skipped = await requireRoot();
  if (skipped) {
    process.stderr.write(`${tool}: ${skipped}\n`);
    process.exit(0);
  }
}
