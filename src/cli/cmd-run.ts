import { Option, type Command } from 'commander';
import { createLogger, flushAndExit, LOG_FORMATS, type LogFormat } from '../log/logger.js';
import { readConfigFile } from '../config/read-file.js';
import { Daemon } from '../daemon/daemon.js';
import { ConfigError } from '../config/diagnostics.js';
import type { ConfigSources } from '../config/load.js';
import { nodeChecks } from '../config/node-checks.js';
import { gatherNodeFacts } from '../daemon/node-facts.js';
import { DEFAULT_RUN_DIR } from '../vip/linux.js';
import { EXIT, UsageError } from './exit-codes.js';
import { parseLogLevel } from './log-level.js';
import { collect, resolveSources, type SourceFlags } from './sources.js';
import { readSwitches } from './switches.js';

export type { SourceFlags } from './sources.js';

/** The sources of `halb run`; throws UsageError when none or a wrong one is given. */
function sourcesFrom(flags: SourceFlags): ConfigSources {
  const s = resolveSources(flags, readConfigFile);
  if (!s.yaml && !s.haproxy && !s.keepalived) throw new UsageError('give a config: -c halb.yaml, --haproxy haproxy.cfg, --keepalived keepalived.conf, or -f FILE');
  return s;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the daemon: load balancer (haproxy.cfg / halb.yaml) and/or VRRP (keepalived.conf / halb.yaml)')
    .option('-c, --config <file>', 'halb.yaml')
    .option('--haproxy <file>', 'haproxy.cfg')
    .option('--keepalived <file>', 'keepalived.conf (alone: VRRP only, a keepalived replacement)')
    .option('-f, --file <file>', 'a haproxy.cfg, keepalived.conf or halb.yaml, told apart by content (repeatable)', collect)
    .option('--run-dir <dir>', 'state directory for VIP bookkeeping', DEFAULT_RUN_DIR)
    .addOption(new Option('--log-level <level>', 'trace|debug|info|warn|error|fatal|silent').default('info').argParser(parseLogLevel))
    .option('--no-warmup', 'skip the data-plane warm-up after start (also HALB_WARMUP=0)')
    .addOption(logFormatOption())
    .action(async (flags: SourceFlags & { runDir: string; logLevel: string; logFormat: LogFormat | 'auto'; warmup: boolean }) => {
      const sources = sourcesFrom(flags);
      const logger = createLogger({ level: flags.logLevel, format: flags.logFormat });
      const switches = readSwitches(process.env);
      const warmup = flags.warmup && switches.warmup ? {} : false;
      // Node-local checks (interfaces, addresses, scripts, privileges) before any service starts.
      const preflight = (cfg: Parameters<typeof nodeChecks>[0]) => nodeChecks(cfg, gatherNodeFacts({ runDir: flags.runDir }), { privilegeSeverity: 'error', scriptSeverity: 'warning' });
      const daemon = new Daemon({ sources, logger, runDir: flags.runDir, warmup, preflight, dumpDir: switches.dumpDir, handoverForward: switches.handoverForward });
      // Signals first: a SIGTERM during start stops the daemon once it is up, never kills it.
      const signalled = daemon.runUntilSignalled();
      try {
        await daemon.start();
      } catch (err) {
        // Nothing half-started stays behind: start() unwinds what it began.
        const config = err instanceof ConfigError;
        process.stderr.write(`${config ? err.message : `halb: ${(err as Error).message}`}\n`);
        await flushAndExit(logger, config ? EXIT.invalidConfig : EXIT.runtime);
      }
      await signalled;
      await flushAndExit(logger, EXIT.ok);
    });
}

/** `--log-format`: text on a terminal, JSON otherwise, unless chosen (docs/operations.md). */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'log lines as text or json (auto: text on a terminal)').choices(LOG_FORMATS).default('auto');
}
