// `--log-level` is checked before any logger exists: pino's own error for an unknown level
// ("default level:verbose must be included in custom levels") names its internals, not the flag.
import { InvalidArgumentError } from 'commander';
import { choiceHint } from '../config/diagnostics.js';

/** pino's levels, plus 'silent' (pino accepts it: no output). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** commander argParser: returns the level or throws a usage error with the valid values. */
export function parseLogLevel(value: string): LogLevel {
  const v = value.toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(v)) return v as LogLevel;
  // keepalived/syslog habits: name the pino level meant.
  const alias: Record<string, LogLevel> = { warning: 'warn', err: 'error', crit: 'fatal', notice: 'info', verbose: 'debug' };
  const near = alias[v];
  throw new InvalidArgumentError(near ? `did you mean '${near}'? valid values: ${LOG_LEVELS.join(', ')}` : choiceHint(v, LOG_LEVELS));
}
