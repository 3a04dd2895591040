// The one way halb reads a file a configuration names (main files, keepalived includes,
// errorfiles, track files). keepalived skips an include that is not a regular file at once; a
// plain readFileSync would block forever on a FIFO with no writer (open(2) itself waits for one)
// and read /dev/zero until memory runs out. So:
//   - open with O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer;
//   - fstat the open descriptor (not the path, which could change in between) and accept only a
//     regular file: FIFOs, character/block devices, sockets and directories are refused;
//   - read at most `maxBytes + 1` bytes whatever fstat said (/proc files report size 0, and a
//     file can grow while it is read), and refuse the file if there was more.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { formatBytes, maxBytesFor, type ReadKind } from './limits.js';

export type ReadRefusal = 'not-regular' | 'too-large';

/** A file refused by its type or size; `code` tells which. Other failures stay Node's errors. */
export class ConfigReadError extends Error {
  constructor(
    readonly code: ReadRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigReadError';
  }
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;
const CHUNK = 64 * 1024;

export function fileTypeOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/**
 * The file's text (UTF-8), or throws: ConfigReadError for a refused file, Node's error otherwise.
 * With `head`, a longer file is not refused: its first `maxBytes` are returned (track files).
 */
export function readBoundedFileSync(path: string, maxBytes: number, opts: { head?: boolean } = {}): string {
  const fd = openSync(path, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new ConfigReadError('not-regular', `not a regular file (it is ${fileTypeOf(st)}): halb reads configuration only from regular files`);
    }
    if (st.size > maxBytes && !opts.head) throw tooLarge(st.size, maxBytes);
    // One byte over the limit is enough to know the file is too large.
    const cap = opts.head ? maxBytes : maxBytes + 1;
    let buf = Buffer.allocUnsafe(Math.min(cap, Math.max(st.size + 1, CHUNK)));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (buf.length >= cap) break;
        const bigger = Buffer.allocUnsafe(Math.min(cap, buf.length * 2));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > maxBytes) throw tooLarge(undefined, maxBytes);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(size: number | undefined, max: number): ConfigReadError {
  const what = size !== undefined ? `${size} bytes` : `more than ${max} bytes`;
  return new ConfigReadError('too-large', `file is too large (${what}; halb reads at most ${formatBytes(max)} here)`);
}

/** True for "no such file" (a plain keepalived `include` of a missing file is only a warning). */
export function isMissingFile(e: unknown): boolean {
  if (e && typeof e === 'object' && 'code' in e) return (e as { code: unknown }).code === 'ENOENT';
  return e instanceof Error && e.message.startsWith('ENOENT');
}

/** The default reader of config files: bounded by the limit of their kind (CONFIG_LIMITS). */
export function readConfigFile(path: string, kind?: ReadKind): string {
  return readBoundedFileSync(path, maxBytesFor(kind));
}
