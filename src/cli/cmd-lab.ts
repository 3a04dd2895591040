import type { Command } from 'commander';
import { runLabDemo } from '../lab/demo.js';
import type { SoftwareKind } from '../lab/node-software.js';
import { EXIT, UsageError } from './exit-codes.js';

export function registerLab(program: Command): void {
  program
    .command('lab')
    .description('one-machine lab (root): 2 LB nodes running halb (VRRP VIP + HTTP proxy to 3 health-checked backends) and a client in network namespaces, with a live view and a summary at the end')
    .option('--software <kind>', 'LB node software: halb (VIP + proxy) or keepalived (VIP only)', 'halb')
    .option('--duration <s>', 'stop by itself after S seconds')
    .option('--advert <s>', 'VRRP advert_int in seconds (fractional needs --vrrp-version 3)', '1')
    .option('--vrrp-version <v>', 'VRRP version 2 or 3 (default: 2, or 3 for a fractional advert)')
    .option('--unicast', 'unicast_peer instead of multicast')
    .option('--chaos <s>', "every S seconds, in turn: the master's host dies (link down + SIGKILL), it comes back, a backend dies, it comes back (a host death waits for a master)")
    .action(async (opts: { software: string; duration?: string; advert: string; vrrpVersion?: string; unicast?: boolean; chaos?: string }) => {
      if (opts.software !== 'keepalived' && opts.software !== 'halb') throw new UsageError(`--software must be keepalived or halb, not ${opts.software}`);
      const num = (name: string, v: string | undefined): number | undefined => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, not ${v}`);
        return n;
      };
      const advertInt = num('--advert', opts.advert)!;
      const version = opts.vrrpVersion !== undefined ? Number(opts.vrrpVersion) : Number.isInteger(advertInt) ? 2 : 3;
      if (version !== 2 && version !== 3) throw new UsageError('--vrrp-version must be 2 or 3');
      const ac = new AbortController();
      const onSignal = (): void => ac.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const durationS = num('--duration', opts.duration);
      const chaosS = num('--chaos', opts.chaos);
      const code = await runLabDemo({
        software: opts.software as SoftwareKind,
        advertInt,
        version,
        unicast: opts.unicast ?? false,
        signal: ac.signal,
        out: (l) => process.stdout.write(`${l}\n`),
        ...(durationS !== undefined ? { durationS } : {}),
        ...(chaosS !== undefined ? { chaosS } : {}),
      });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // The lab reports its own failures (no root, missing software) as 1: a runtime failure here.
      process.exitCode = code === 0 ? EXIT.ok : EXIT.runtime;
    });
}
