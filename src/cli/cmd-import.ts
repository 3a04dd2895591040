// `halb import --haproxy F | --keepalived F`: print the equivalent halb.yaml on stdout,
// every dropped or defaulted directive on stderr.
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { toYaml } from '../config/to-yaml.js';
import { printDiagnostics, processIo, type CliIo } from './config-io.js';

export interface ImportOptions {
  haproxy?: string;
  keepalived?: string;
}

export function runImport(opts: ImportOptions, io: CliIo): number {
  if (!opts.haproxy && !opts.keepalived) {
    io.err('halb import: give --haproxy FILE and/or --keepalived FILE\n');
    return 2;
  }
  const r = loadConfig(
    { ...(opts.haproxy ? { haproxy: opts.haproxy } : {}), ...(opts.keepalived ? { keepalived: opts.keepalived } : {}) },
    { readFile: io.readFile, env: io.env },
  );
  // Importers report every directive they drop, notes included (conventions §7).
  printDiagnostics(io, r.diagnostics, { notes: true });
  if (!r.config) {
    io.err('import failed: fix the errors above\n');
    return 1;
  }
  const from = [opts.haproxy, opts.keepalived].filter(Boolean).join(' and ');
  io.out(toYaml(r.config, { header: `halb.yaml imported from ${from} by \`halb import\`.\nCheck it with: halb check -c halb.yaml` }));
  return 0;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('print the halb.yaml equivalent of a haproxy.cfg and/or keepalived.conf')
    .option('--haproxy <file>', 'haproxy.cfg')
    .option('--keepalived <file>', 'keepalived.conf')
    .action((opts: ImportOptions) => {
      process.exitCode = runImport(opts, processIo());
    });
}
