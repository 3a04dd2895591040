// `halb import --haproxy F | --keepalived F`: print the equivalent halb.yaml on stdout,
// every dropped or defaulted directive on stderr.
import type { Command } from 'commander';
import { loadConfig, type ConfigSources } from '../config/load.js';
import { toYaml } from '../config/to-yaml.js';
import { printDiagnostics, processIo, reportEarlyError, type CliIo } from './config-io.js';
import { EXIT } from './exit-codes.js';
import { collect, resolveSources } from './sources.js';

export interface ImportOptions {
  haproxy?: string;
  keepalived?: string;
  /** -f FILE: a haproxy.cfg or keepalived.conf, told apart by content. */
  file?: string[];
}

export function runImport(opts: ImportOptions, io: CliIo): number {
  let sources: ConfigSources;
  try {
    sources = resolveSources(opts, io.readFile, ['haproxy', 'keepalived']);
  } catch (err) {
    return reportEarlyError(io, 'import', err);
  }
  if (!sources.haproxy && !sources.keepalived) {
    io.err('halb import: give --haproxy FILE and/or --keepalived FILE (or -f FILE)\n');
    return EXIT.usage;
  }
  const r = loadConfig(sources, { readFile: io.readFile, env: io.env });
  // Importers report every directive they drop, notes included (conventions §7).
  printDiagnostics(io, r.diagnostics, { notes: true });
  if (!r.config) {
    io.err('import failed: fix the errors above\n');
    return EXIT.invalidConfig;
  }
  const from = [sources.haproxy, sources.keepalived].filter(Boolean).join(' and ');
  io.out(toYaml(r.config, { header: `halb.yaml imported from ${from} by \`halb import\`.\nCheck it with: halb check -c halb.yaml` }));
  return EXIT.ok;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('print the halb.yaml equivalent of a haproxy.cfg and/or keepalived.conf')
    .option('--haproxy <file>', 'haproxy.cfg')
    .option('--keepalived <file>', 'keepalived.conf')
    .option('-f, --file <file>', 'a haproxy.cfg or keepalived.conf, told apart by content (repeatable)', collect)
    .action((opts: ImportOptions) => {
      process.exitCode = runImport(opts, processIo());
    });
}
