// `halb check [-c halb.yaml] [--haproxy F] [--keepalived F]`: validate and summarise.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { printDiagnostics, processIo, type CliIo } from './config-io.js';
import { summarize } from './summary.js';

export interface CheckOptions {
  config?: string;
  haproxy?: string;
  keepalived?: string;
  notes?: boolean;
}

/** Returns the exit code: 0 valid, 1 invalid, 2 usage. */
export function runCheck(opts: CheckOptions, io: CliIo): number {
  if (!opts.config && !opts.haproxy && !opts.keepalived) {
    // Like `halb run`, default to ./halb.yaml.
    try {
      io.readFile('halb.yaml');
      opts = { ...opts, config: 'halb.yaml' };
    } catch {
      io.err('halb check: no configuration given (-c halb.yaml, --haproxy FILE, --keepalived FILE) and no ./halb.yaml\n');
      return 2;
    }
  }
  const r = loadConfig(
    { ...(opts.config ? { yaml: opts.config } : {}), ...(opts.haproxy ? { haproxy: opts.haproxy } : {}), ...(opts.keepalived ? { keepalived: opts.keepalived } : {}) },
    { readFile: io.readFile, env: io.env },
  );
  if (!r.config) {
    printDiagnostics(io, r.diagnostics, { notes: false });
    const n = r.diagnostics.filter((d) => d.severity === 'error').length;
    io.err(`configuration invalid: ${n} error(s)\n`);
    return 1;
  }
  io.out(summarize(r.config));
  printDiagnostics(io, r.diagnostics, { notes: opts.notes ?? false });
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning').length;
  const notes = r.diagnostics.filter((d) => d.severity === 'note').length;
  io.out(`configuration valid${warnings ? `, ${warnings} warning(s)` : ''}${notes && !opts.notes ? `, ${notes} note(s) (--notes shows them)` : ''}\n`);
  return 0;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('validate a configuration and print a summary, or every problem as file:line: message')
    .option('-c, --config <file>', 'halb.yaml (default: ./halb.yaml when no other source is given)')
    .option('--haproxy <file>', 'haproxy.cfg (load-balancer half)')
    .option('--keepalived <file>', 'keepalived.conf (VRRP half)')
    .option('--notes', 'also list directives accepted without effect')
    .action((opts: CheckOptions) => {
      process.exitCode = runCheck(opts, processIo());
    });
}
