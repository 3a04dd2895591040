// `halb` command line. Each subcommand lives in its own file and registers itself here.
// The process guard comes first: nothing else may run before SIGUSR1 is caught.
import './process-guard.js';
import { Command, CommanderError } from 'commander';
import { HALB_VERSION } from '../version.js';
import { ConfigError } from '../config/diagnostics.js';
import { EXIT, UsageError } from './exit-codes.js';
import { registerCheck } from './cmd-check.js';
import { registerImport } from './cmd-import.js';
import { registerRun } from './cmd-run.js';
import { registerDemo } from './cmd-demo.js';
import { registerLab } from './cmd-lab.js';

const program = new Command();
program.name('halb').description('highly available load balancer: HAProxy-style proxying + keepalived-compatible VRRP').version(HALB_VERSION);
// Commander's own usage errors exit 2 like ours (src/cli/exit-codes.ts); set before the
// subcommands, which inherit it.
program.exitOverride();
registerCheck(program);
registerImport(program);
registerRun(program);
registerDemo(program);
registerLab(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // Commander has printed its message; help and --version end with exit code 0.
    process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  }
  if (err instanceof UsageError) {
    process.stderr.write(`halb: ${err.message}\n`);
    process.exit(EXIT.usage);
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(EXIT.invalidConfig);
  }
  process.stderr.write(`halb: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(EXIT.runtime);
});
