// `halb` command line. Each subcommand lives in its own file and registers itself here.
// The process guard comes first: nothing else may run before SIGUSR1 is caught.
import './process-guard.js';
import { Command } from 'commander';
import { HALB_VERSION } from '../version.js';
import { registerCheck } from './cmd-check.js';
import { registerImport } from './cmd-import.js';
import { registerRun } from './cmd-run.js';
import { registerDemo } from './cmd-demo.js';
import { registerLab } from './cmd-lab.js';

const program = new Command();
program.name('halb').description('highly available load balancer: HAProxy-style proxying + keepalived-compatible VRRP').version(HALB_VERSION);
registerCheck(program);
registerImport(program);
registerRun(program);
registerDemo(program);
registerLab(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`halb: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
