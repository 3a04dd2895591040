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

/** A destination that also takes ready-made bytes: whole batches of access lines (access-line.ts). */
export interface ByteDestination extends DestinationStream {
  writeBytes(bytes: Buffer): void;
}

/**
 * stdout through pino's asynchronous writer (sonic-boom, with its flush on exit) in byte mode,
 * behind the string write() pino calls. Access lines come as byte batches: handed over as
 * strings they cost a decode, a byte count and an encode per batch (~2% of the proxy's CPU in
 * the http bench).
 */
function stdoutDestination(): ByteDestination {
  const sb = pino.destination({ fd: 1, sync: false, contentMode: 'buffer' });
  // sonic-boom replaces its own methods after EPIPE: always call through it.
  return {
    write: (line: string) => void sb.write(Buffer.from(line) as unknown as string),
    writeBytes: (bytes: Buffer) => void sb.write(bytes as unknown as string),
    flush: (cb?: (err?: Error) => unknown) => sb.flush(cb),
    flushSync: () => sb.flushSync(),
  } as ByteDestination;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const base = { name: opts.name ?? 'halb' };
  const dest = opts.destination ?? stdoutDestination();
  return pino({ level: opts.level ?? process.env.HALB_LOG_LEVEL ?? 'info', base, timestamp: pino.stdTimeFunctions.isoTime }, dest);
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
