// What halb accepts from a configuration before it stops reading: one table, so the readers,
// the parsers and docs/config.md agree. A hostile or broken input (a FIFO, /dev/zero, a 1 MB
// line, 10,000-deep nesting) is refused at once with file:line instead of stalling the daemon.
// Pure module: the parsers take these values in and check them before they recurse.

const KiB = 1024;
const MiB = 1024 * KiB;

export const CONFIG_LIMITS = {
  /** Bytes of one config file: the main file or a keepalived `include`. The largest real
   * configs seen are a few hundred KB; 4 MiB is ~100,000 lines. */
  fileBytes: 4 * MiB,
  /** Bytes of all files one load reads (includes with globs can pull many files). */
  totalBytes: 16 * MiB,
  /** Bytes of an `errorfile`: HAProxy serves it from one buffer and its manual says the file
   * must not exceed tune.bufsize (16384 by default). */
  errorfileBytes: 16 * KiB,
  /** Bytes of a keepalived `track_file`: it holds one integer. */
  trackFileBytes: 4 * KiB,
  /** Characters of one line in any format. */
  lineChars: 64 * KiB,
  /** `{ }` block depth in keepalived.conf (the deepest real one, virtual_server > real_server >
   * HTTP_GET > url, is 4). */
  blockDepth: 32,
  /** Collection depth in halb.yaml (the deepest schema path is about 6). */
  yamlDepth: 64,
} as const;

/** What a file named by the configuration is read as; decides its size limit. */
export type ReadKind = 'config' | 'errorfile';

/** Reads a file the configuration names; throws with the reason when it cannot. */
export type ConfigFileReader = (path: string, kind?: ReadKind) => string;

export function maxBytesFor(kind: ReadKind = 'config'): number {
  return kind === 'errorfile' ? CONFIG_LIMITS.errorfileBytes : CONFIG_LIMITS.fileBytes;
}

/** The first line longer than `max` characters, or undefined. Scans without splitting. */
export function findLongLine(text: string, max: number): { line: number; length: number } | undefined {
  let start = 0;
  let line = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let len = end - start;
    if (len > 0 && text.charCodeAt(end - 1) === 13) len--;
    if (len > max) return { line, length: len };
    start = end + 1;
    line++;
  }
  return undefined;
}

export function longLineMessage(length: number, max: number): string {
  return `line is ${length} characters long; halb accepts at most ${max} per line (split the value, or use several directives)`;
}

/** `n` bytes as the user wrote it in docs: "4 MiB", "16 KiB", "123 bytes". */
export function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}
