// bench/failover.ts (the VRRP failover table, issue 3) is written on another branch and may be absent.
// It exports `runFailoverBench(opts) -> result` and `formatFailoverTable(result) -> string`; a module
// that only exports one function returning the table text works too.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface OptionalFailoverOptions {
  quick: boolean;
  out: (text: string) => void;
  log: (line: string) => void;
}

/** Imports and runs the module at `url` if it exists; returns false when it was skipped. */
export async function runOptionalFailover(url: URL, o: OptionalFailoverOptions): Promise<boolean> {
  if (!existsSync(fileURLToPath(url))) {
    o.out('\nfailover bench: skipped (bench/failover.ts not present)\n');
    return false;
  }
  const mod = (await import(url.href)) as Record<string, unknown>;
  const run = [mod.runFailoverBench, mod.default].find((f) => typeof f === 'function') as ((opts: object) => unknown) | undefined;
  if (!run) {
    o.out('\nfailover bench: skipped (bench/failover.ts exports no runFailoverBench)\n');
    return false;
  }
  const result: unknown = await run({ log: o.log, ...(o.quick ? { repeat: 1, quick: true } : {}) });
  if (typeof result === 'string') o.out(`\n${result}\n`);
  else if (typeof mod.formatFailoverTable === 'function') o.out(`\n${String((mod.formatFailoverTable as (r: unknown) => unknown)(result))}\n`);
  else o.out(`\n${JSON.stringify(result, null, 2)}\n`);
  return true;
}
