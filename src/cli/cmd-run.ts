import type { Command } from 'commander';
import { createLogger } from '../log/logger.js';
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
    .action(async (flags: SourceFlags & { runDir: string; logLevel: string; warmup: boolean }) => {
      const logger = createLogger({ level: flags.logLevel });
      const warmup = flags.warmup && process.env.HALB_WARMUP !== '0' ? {} : false;
      const daemon = new Daemon({ sources: sourcesFrom(flags), logger, runDir: flags.runDir, warmup });
      try {
        await daemon.start();
      } catch (err) {
        // Nothing half-started stays behind: start() unwinds what it began.
        process.stderr.write(`${err instanceof ConfigError ? err.message : `halb: ${(err as Error).message}`}\n`);
        logger.flush();
        process.exit(1);
      }
      await daemon.runUntilSignalled();
      logger.flush();
      process.exit(0);
    });
}
