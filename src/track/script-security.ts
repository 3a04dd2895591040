// enable_script_security (keepalived lib/notify.c check_script_secure/check_security): a
// script that runs as root (uid or gid 0, or a setuid/setgid-root file) must not be
// replaceable by anyone but root — every component of its path, and of the path it resolves
// to, must be owned by root and not writable by a non-root group or by others (directories
// with the sticky bit, like /tmp, are allowed to be group/world-writable). With security
// enabled such a script is refused; without it keepalived runs it and complains, and so
// does halb. A bare name is looked up in PATH first.

import { accessSync, constants, lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import type { Ids } from './users.js';

export interface StatLike {
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
  isDirectory(): boolean;
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

export interface SecurityFs {
  lstat(path: string): StatLike | undefined;
  stat(path: string): StatLike | undefined;
  realpath(path: string): string | undefined;
  executable(path: string): boolean;
}

export const nodeSecurityFs: SecurityFs = {
  lstat: (p) => tryOr(() => lstatSync(p) as Stats),
  stat: (p) => tryOr(() => statSync(p) as Stats),
  realpath: (p) => tryOr(() => realpathSync(p)),
  executable: (p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
};

function tryOr<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

export type SecurityVerdict = { readonly ok: true; readonly path: string; readonly insecure?: string } | { readonly ok: false; readonly reason: string };

const S_ISUID = 0o4000,
  S_ISGID = 0o2000,
  S_ISVTX = 0o1000,
  S_IWGRP = 0o020,
  S_IWOTH = 0o002,
  S_IXUSR = 0o100,
  S_IXGRP = 0o010;

/** First unsafe component of `path` ("/" included), or undefined. */
function unsafeComponent(fs: SecurityFs, path: string): string | undefined {
  const parts = path.split('/').filter(Boolean);
  const prefixes = ['/', ...parts.map((_, i) => '/' + parts.slice(0, i + 1).join('/'))];
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i]!;
    const st = fs.lstat(p);
    if (!st) return `${p} cannot be examined`;
    const last = i === prefixes.length - 1;
    if (!last && !st.isDirectory()) return `${p} is not a directory`;
    if (last && !st.isFile() && !st.isSymbolicLink()) return `${p} is not a regular file`;
    if (st.uid !== 0) return `${p} is owned by uid ${st.uid}, not root`;
    const guarded = (st.isDirectory() && !(st.mode & S_ISVTX)) || st.isFile();
    if (guarded && ((st.gid !== 0 && st.mode & S_IWGRP) || st.mode & S_IWOTH)) return `${p} is writable by ${st.mode & S_IWOTH ? 'everyone' : `group ${st.gid}`}`;
  }
  return undefined;
}

/**
 * Decide whether `argv0` may be run as `ids`. Returns the resolved path to execute.
 * `enforce` = enable_script_security.
 */
export function checkScriptSecurity(fs: SecurityFs, argv0: string, ids: Ids, enforce: boolean, pathEnv = process.env.PATH ?? '/usr/bin:/bin'): SecurityVerdict {
  if (argv0.startsWith('<')) return { ok: true, path: argv0 };
  let path = argv0;
  if (!argv0.includes('/')) {
    const found = pathEnv
      .split(':')
      .filter(Boolean)
      .map((d) => `${d}/${argv0}`)
      .find((p) => fs.stat(p)?.isFile() && fs.executable(p));
    if (!found) return { ok: false, reason: `cannot find '${argv0}' in PATH` };
    path = found;
  }
  const st = fs.stat(path);
  if (!st) return { ok: false, reason: `cannot access script '${path}'` };
  if (!st.isFile()) return { ok: false, reason: `'${path}' is not a regular file` };
  const asRoot = ids.uid === 0 || ids.gid === 0 || (st.uid === 0 && st.mode & S_IXUSR && st.mode & S_ISUID) || (st.gid === 0 && st.mode & S_IXGRP && st.mode & S_ISGID);
  if (!asRoot) return { ok: true, path };
  const real = fs.realpath(path);
  const problem = unsafeComponent(fs, path) ?? (real && real !== path ? unsafeComponent(fs, real) : undefined);
  if (!problem) return { ok: true, path };
  if (enforce) return { ok: false, reason: `unsafe permissions for script '${path}' run as root: ${problem} (enable_script_security)` };
  return { ok: true, path, insecure: `unsafe permissions for script '${path}' run as root: ${problem}; running it anyway because enable_script_security is off` };
}
