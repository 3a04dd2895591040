// Structured JSON logs with stable keys (event, instance, vip, backend, server, reason).
// Loggers are passed in, never global, so two daemons can share one test process.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Defaults to stdout (fd 1) with async writes. */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const base = { name: opts.name ?? 'halb' };
  const dest = opts.destination ?? pino.destination({ fd: 1, sync: false });
  return pino({ level: opts.level ?? process.env.HALB_LOG_LEVEL ?? 'info', base, timestamp: pino.stdTimeFunctions.isoTime }, dest);
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
