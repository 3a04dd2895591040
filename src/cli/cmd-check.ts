// `halb check [-c halb.yaml] [--haproxy F] [--keepalived F] [-f F...] [--offline]`: validate
// and summarise; on the node itself also what only the node knows (src/config/node-checks.ts).
import type { Command } from 'commander';
import { loadConfig, type ConfigSources } from '../config/load.js';
import { nodeChecks } from '../config/node-checks.js';
import { DEFAULT_RUN_DIR } from '../vip/linux.js';
import { printDiagnostics, processIo, reportEarlyError, type CliIo } from './config-io.js';
import { EXIT } from './exit-codes.js';
import { collect, resolveSources, type SourceFlags } from './sources.js';
import { summarize } from './summary.js';

export interface CheckOptions extends SourceFlags {
  notes?: boolean;
  /** Skip the node-local checks (interfaces, addresses, scripts, privileges). */
  offline?: boolean;
  runDir?: string;
}

/** Returns the exit code (src/cli/exit-codes.ts): 0 valid, 1 invalid, 2 usage. */
export function runCheck(opts: CheckOptions, io: CliIo): number {
  let sources: ConfigSources;
  try {
    sources = resolveSources(opts, io.readFile);
  } catch (err) {
    return reportEarlyError(io, 'check', err);
  }
  if (!sources.yaml && !sources.haproxy && !sources.keepalived) {
    // Like `halb run`, default to ./halb.yaml.
    try {
      io.readFile('halb.yaml');
      sources = { yaml: 'halb.yaml' };
    } catch {
      io.err('halb check: no configuration given (-c halb.yaml, --haproxy FILE, --keepalived FILE, -f FILE) and no ./halb.yaml\n');
      return EXIT.usage;
    }
  }
  const r = loadConfig(sources, { readFile: io.readFile, env: io.env });
  if (!r.config) {
    printDiagnostics(io, r.diagnostics, { notes: false });
    const n = r.diagnostics.filter((d) => d.severity === 'error').length;
    io.err(`configuration invalid: ${n} error(s)\n`);
    return EXIT.invalidConfig;
  }
  io.out(summarize(r.config));
  // Privileges are warnings here: check often runs as another user than the daemon will.
  const facts = opts.offline || !io.nodeFacts ? undefined : io.nodeFacts({ runDir: opts.runDir ?? DEFAULT_RUN_DIR });
  const node = facts ? nodeChecks(r.config, facts, { privilegeSeverity: 'warning', portsInUse: true }) : [];
  const diags = [...r.diagnostics, ...node];
  printDiagnostics(io, diags, { notes: opts.notes ?? false });
  const count = (s: string): number => diags.filter((d) => d.severity === s).length;
  const errors = count('error');
  const warnings = count('warning');
  const notes = count('note');
  if (facts) {
    const problems = node.filter((d) => d.severity !== 'note').length;
    io.out(`node checks (this host, uid ${facts.uid}): interfaces, bind addresses and ports, scripts, privileges: ${problems ? `${problems} problem(s) above` : 'ok'} (--offline skips them)\n`);
  } else {
    io.out(`node checks: skipped (${opts.offline ? '--offline' : 'not on a node'}): interfaces, addresses, scripts and privileges were not checked\n`);
  }
  if (errors) {
    io.err(`configuration invalid on this node: ${errors} error(s)\n`);
    return EXIT.invalidConfig;
  }
  io.out(`configuration valid${warnings ? `, ${warnings} warning(s)` : ''}${notes && !opts.notes ? `, ${notes} note(s) (--notes shows them)` : ''}\n`);
  return EXIT.ok;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('validate a configuration and print a summary, or every problem as file:line: message; on the node also interfaces, addresses, scripts and privileges')
    .option('-c, --config <file>', 'halb.yaml (default: ./halb.yaml when no other source is given)')
    .option('--haproxy <file>', 'haproxy.cfg (load-balancer half)')
    .option('--keepalived <file>', 'keepalived.conf (VRRP half)')
    .option('-f, --file <file>', 'a haproxy.cfg, keepalived.conf or halb.yaml, told apart by content (repeatable)', collect)
    .option('--offline', 'check the files only, not this node (interfaces, addresses, scripts, privileges)')
    .option('--run-dir <dir>', 'state directory `halb run` will use', DEFAULT_RUN_DIR)
    .option('--notes', 'also list directives accepted without effect')
    .action((opts: CheckOptions) => {
      process.exitCode = runCheck(opts, processIo());
    });
}
