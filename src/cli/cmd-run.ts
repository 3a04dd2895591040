import { Option, type Command } from 'commander';
import { createLogger, flushAndExit, LOG_FORMATS, type LogFormat } from '../log/logger.js';
import { Daemon } from '../daemon/daemon.js';
import { ConfigError } from '../config/diagnostics.js';

export interface SourceFlags {
  config?: string;
  haproxy?: string;
  keepalived?: string;
}

export function sourcesFrom(flags: SourceFlags): { yaml?: string; haproxy?: string; keepalived?: string } {
  const s: { yaml?: string; haproxy?: string; keepalived?: string } = {};
  if (flags.config) s.yaml = flags.config;
  if (flags.haproxy) s.haproxy = flags.haproxy;
  if (flags.keepalived) s.keepalived = flags.keepalived;
  if (!s.yaml && !s.haproxy && !s.keepalived) throw new Error('give a config: -c halb.yaml, --haproxy haproxy.cfg and/or --keepalived keepalived.conf');
  return s;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the daemon: load balancer (haproxy.cfg / halb.yaml) and/or VRRP (keepalived.conf / halb.yaml)')
    .option('-c, --config <file>', 'halb.yaml')
    .option('--haproxy <file>', 'haproxy.cfg')
    .option('--keepalived <file>', 'keepalived.conf (alone: VRRP only, a keepalived replacement)')
    .option('--run-dir <dir>', 'state directory for VIP bookkeeping', '/run/halb')
    .option('--log-level <level>', 'trace|debug|info|warn|error', 'info')
    .option('--no-warmup', 'skip the data-plane warm-up after start (also HALB_WARMUP=0)')
    .addOption(logFormatOption())
    .action(async (flags: SourceFlags & { runDir: string; logLevel: string; logFormat: LogFormat | 'auto'; warmup: boolean }) => {
      const logger = createLogger({ level: flags.logLevel, format: flags.logFormat });
      const warmup = flags.warmup && process.env.HALB_WARMUP !== '0' ? {} : false;
      const daemon = new Daemon({ sources: sourcesFrom(flags), logger, runDir: flags.runDir, warmup });
      // Signals first: a SIGTERM during start stops the daemon once it is up, never kills it.
      const signalled = daemon.runUntilSignalled();
      try {
        await daemon.start();
      } catch (err) {
        // Nothing half-started stays behind: start() unwinds what it began.
        process.stderr.write(`${err instanceof ConfigError ? err.message : `halb: ${(err as Error).message}`}\n`);
        await flushAndExit(logger, 1);
      }
      await signalled;
      await flushAndExit(logger, 0);
    });
}

/** `--log-format`: text on a terminal, JSON otherwise, unless chosen (docs/operations.md). */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'log lines as text or json (auto: text on a terminal)').choices(LOG_FORMATS).default('auto');
}
