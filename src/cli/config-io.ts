// Shared by `halb check` and `halb import`: the process edge (files, streams, exit code).
import { readConfigFile } from '../config/read-file.js';
import { formatDiagnostic, type Diagnostic } from '../config/diagnostics.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  readFile: (path: string) => string;
  env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    // Bounded: regular files only, size-limited by kind (config/limits.ts).
    readFile: readConfigFile,
    env: process.env,
  };
}

/** Problems as `file:line: severity: message (hint)`; notes only when asked for. */
export function printDiagnostics(io: CliIo, diags: readonly Diagnostic[], opts: { notes: boolean }): void {
  for (const d of diags) {
    if (d.severity === 'note' && !opts.notes) continue;
    io.err(formatDiagnostic(d) + '\n');
  }
}
