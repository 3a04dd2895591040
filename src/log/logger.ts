// Structured logs with stable keys (event, instance, vip, backend, server, reason): JSON lines, or
// human-readable text on a terminal (text-format.ts). Loggers are passed in, never global, so two
// daemons can share one test process.
import { pino, type Logger, type DestinationStream } from 'pino';
import { formatTextLine, formatTextBatch, type TextStyle } from './text-format.js';

export type { Logger };

/** `auto`: text when stdout is a terminal, JSON otherwise (journald, files, pipes). */
export type LogFormat = 'json' | 'text';
export const LOG_FORMATS = ['auto', 'text', 'json'] as const;

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Defaults to stdout (fd 1) with async writes. */
  destination?: DestinationStream;
  /** For the stdout destination; default `auto`. */
  format?: LogFormat | 'auto';
}

/** A source of held-back lines (access-line batches): written first whenever another line comes. */
export interface PendingLines {
  flushPending(): void;
}

/** A destination that also takes ready-made bytes: whole batches of access lines (access-line.ts). */
export interface ByteDestination extends DestinationStream {
  writeBytes(bytes: Buffer): void;
  /** Registers a source of held-back lines, so every line leaves in the order it was logged. */
  holdsLines?(source: PendingLines): void;
  /** Calls back once every line handed over so far is written (or after an error). */
  drain?(cb: () => void): void;
}

function resolveLogFormat(format: LogFormat | 'auto' | undefined, stdoutIsTTY: boolean): LogFormat {
  if (format === 'json' || format === 'text') return format;
  return stdoutIsTTY ? 'text' : 'json';
}

/**
 * stdout through pino's asynchronous writer (sonic-boom, with its flush on exit) in byte mode,
 * behind the string write() pino calls. Access lines come as byte batches: handed over as
 * strings they cost a decode, a byte count and an encode per batch (~2% of the proxy's CPU in
 * the http bench). Text mode formats each line on its way in; JSON lines pass untouched.
 *
 * Order: sonic-boom writes one buffer at a time, in order. Its exit hook, though, writes what is
 * queued synchronously even while an asynchronous write is still waiting in libuv's thread pool,
 * so `process.exit()` right after a line could put later lines first (`halb stopped` before
 * `received SIGTERM` when the pool was busy). `drain()` waits for that write; the CLI calls it
 * (flushAndExit) before it exits.
 */
function stdoutDestination(format: LogFormat, style: TextStyle): ByteDestination {
  const sb = pino.destination({ fd: 1, sync: false, contentMode: 'buffer' });
  const held = new Set<WeakRef<PendingLines>>();
  let pending = 0;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const cb of w) cb();
  };
  sb.on('write', (n: number) => {
    pending -= n;
    if (pending <= 0) wake();
  });
  sb.on('error', () => {
    pending = 0;
    wake();
  });
  // sonic-boom replaces its own methods after EPIPE: always call through it.
  const put = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    pending += bytes.length;
    sb.write(bytes as unknown as string);
  };
  const releaseHeld = () => {
    for (const ref of held) {
      const source = ref.deref();
      if (source) source.flushPending();
      else held.delete(ref);
    }
  };
  return {
    write: (line: string) => {
      if (held.size > 0) releaseHeld();
      put(Buffer.from(format === 'json' ? line : formatTextLine(line, style)));
    },
    writeBytes: format === 'json' ? put : (bytes: Buffer) => put(Buffer.from(formatTextBatch(bytes.toString('utf8'), style))),
    holdsLines: (source: PendingLines) => void held.add(new WeakRef(source)),
    drain: (cb: () => void) => {
      releaseHeld();
      if (pending <= 0) cb();
      else waiters.push(cb);
    },
    flush: (cb?: (err?: Error) => unknown) => sb.flush(cb),
    flushSync: () => sb.flushSync(),
  } as ByteDestination;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const base = { name: opts.name ?? 'halb' };
  const dest = opts.destination ?? stdoutDestination(resolveLogFormat(opts.format, process.stdout.isTTY === true), { color: process.stdout.isTTY === true && !process.env.NO_COLOR });
  return pino({ level: opts.level ?? process.env.HALB_LOG_LEVEL ?? 'info', base, timestamp: pino.stdTimeFunctions.isoTime }, dest);
}

/**
 * Resolves once every line logged so far has been written, or after `timeoutMs`: a stdout nobody
 * reads must not hold the caller (an exit, a banner written to stderr after the lines before it).
 */
export function drainLogger(logger: Logger, timeoutMs = 2000): Promise<void> {
  const dest = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as Partial<ByteDestination> | undefined;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    if (dest && typeof dest.drain === 'function') dest.drain(done);
    else logger.flush(() => done());
  });
}

/** Exits once the log is written (drainLogger): every exit of `halb run`/`demo` goes through here. */
export async function flushAndExit(logger: Logger, code: number): Promise<never> {
  await drainLogger(logger);
  process.exit(code);
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
