import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { createLogger, drainLogger, flushAndExit, type LogFormat } from '../log/logger.js';
import { logFormatOption } from './cmd-run.js';
import { Daemon } from '../daemon/daemon.js';
import { startDemoBackend, type DemoBackend } from '../demo/backends.js';
import { EXIT } from './exit-codes.js';
import { parseLogLevel } from './log-level.js';
import { readSwitches } from './switches.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../../examples/demo.yaml', import.meta.url));
const DEMO_BACKEND_PORTS = [18081, 18082, 18083];

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('loopback demo: halb on examples/demo.yaml in front of 3 demo backends on 127.0.0.1')
    .option('--duration <seconds>', 'stop by itself after this many seconds')
    .option('--config <file>', 'another demo config (its backends must use --backend-ports)', DEMO_CONFIG)
    .option('--backend-ports <list>', 'comma-separated ports for the demo backends', DEMO_BACKEND_PORTS.join(','))
    .addOption(new Option('--log-level <level>', 'trace|debug|info|warn|error|fatal|silent').default('info').argParser(parseLogLevel))
    .addOption(logFormatOption())
    .action(async (flags: { duration?: string; logLevel: string; logFormat: LogFormat | 'auto'; config: string; backendPorts: string }) => {
      const logger = createLogger({ level: flags.logLevel, format: flags.logFormat });
      const { dumpDir, handoverForward } = readSwitches(process.env);
      const daemon = new Daemon({ sources: { yaml: flags.config }, logger, dumpDir, handoverForward });
      const signalled = daemon.runUntilSignalled();
      const backends: DemoBackend[] = [];
      const ports = flags.backendPorts.split(',').map(Number);
      for (const [i, port] of ports.entries()) backends.push(await startDemoBackend(`backend-${i + 1}`, port));
      try {
        await daemon.start();
      } catch (err) {
        process.stderr.write(`halb demo: ${(err as Error).message}\n`);
        await Promise.all(backends.map((b) => b.close()));
        await flushAndExit(logger, EXIT.runtime);
      }
      // The banner after the start-up lines, not in the middle of them.
      await drainLogger(logger);
      process.stderr.write(
        [
          '',
          'halb demo is running (Ctrl-C to stop):',
          '  http  frontend  http://127.0.0.1:8080/      -> backends 127.0.0.1:18081-18083, checked with GET /healthz',
          '  tcp   frontend  127.0.0.1:8081              -> same backends, tcp mode',
          '  try:  curl -s http://127.0.0.1:8080/        (repeat: round robin)',
          '        curl -s -X POST http://127.0.0.1:18082/sick   (backend-2 fails its checks and leaves the rotation)',
          '        curl -s -X POST http://127.0.0.1:18082/well   (and comes back after rise checks)',
          '',
        ].join('\n'),
      );
      const timer = flags.duration ? setTimeout(() => process.kill(process.pid, 'SIGTERM'), Number(flags.duration) * 1000) : undefined;
      await signalled;
      if (timer) clearTimeout(timer);
      await Promise.all(backends.map((b) => b.close()));
      await flushAndExit(logger, EXIT.ok);
    });
}
