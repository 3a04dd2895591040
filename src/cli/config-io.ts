// Shared by `halb check` and `halb import`: the process edge (files, streams, exit code).
import { readConfigFile } from '../config/read-file.js';
import { ConfigError, formatDiagnostic, type Diagnostic } from '../config/diagnostics.js';
import type { NodeFacts } from '../config/node-checks.js';
import { gatherNodeFacts } from '../daemon/node-facts.js';
import { EXIT, UsageError } from './exit-codes.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => string;
  env: Readonly<Record<string, string | undefined>>;
  /** This host's facts for the node-local checks; absent, `halb check` skips them. */
  nodeFacts?: (opts: { runDir?: string }) => NodeFacts;
}

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    // Bounded: regular files only, size-limited by kind (config/limits.ts).
    readFile: readConfigFile,
    env: process.env,
    nodeFacts: (o) => gatherNodeFacts(o),
  };
}

/** Problems as `file:line: severity: message (hint)`; notes only when asked for. */
export function printDiagnostics(io: CliIo, diags: readonly Diagnostic[], opts: { notes: boolean }): void {
  for (const d of diags) {
    if (d.severity === 'note' && !opts.notes) continue;
    io.err(formatDiagnostic(d) + '\n');
  }
}

/** A usage or config error raised before loading: printed, and its exit code returned. */
export function reportEarlyError(io: CliIo, command: string, err: unknown): number {
  if (err instanceof UsageError) {
    io.err(`halb ${command}: ${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof ConfigError) {
    printDiagnostics(io, err.diagnostics, { notes: false });
    return EXIT.invalidConfig;
  }
  throw err;
}
