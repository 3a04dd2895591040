// Thin adapter over execFile for the `ip`, `tshark`, … commands the lab drives. No shell: every
// argument is passed as-is, so names and addresses never need quoting.
import { execFile } from 'node:child_process';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class LabCommandError extends Error {
  readonly code = 'LAB_COMMAND_FAILED';
  constructor(
    readonly argv: readonly string[],
    readonly result: RunResult,
  ) {
    super(`${argv.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
}

export interface RunOptions {
  /** Kill the command after this many ms (default 10 s): a hung `ip` must not hang a test. */
  readonly timeoutMs?: number;
  /** Return a non-zero exit as a result instead of throwing. */
  readonly allowFail?: boolean;
  readonly input?: string;
}

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: opts.timeoutMs ?? 10_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (e && typeof e.code === 'string') {
        // Spawn failure (ENOENT, …): not a command result.
        const r = { code: 127, stdout: String(stdout), stderr: `${e.message}` };
        if (opts.allowFail) resolve(r);
        else reject(new LabCommandError([cmd, ...args], r));
        return;
      }
      const code = e ? (typeof e.code === 'number' ? e.code : 1) : 0;
      const killed = e && (e as { killed?: boolean }).killed ? `\n(killed after the ${opts.timeoutMs ?? 10_000} ms timeout)` : '';
      const r = { code, stdout: String(stdout), stderr: String(stderr) + killed };
      if (code !== 0 && !opts.allowFail) reject(new LabCommandError([cmd, ...args], r));
      else resolve(r);
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** `ip ARGS…`, optionally inside namespace `ns` (`ip -n NS …`). */
export function ip(ns: string | undefined, args: readonly string[], opts?: RunOptions): Promise<RunResult> {
  return run('ip', ns ? ['-n', ns, ...args] : [...args], opts);
}

/** `ip -j …` parsed; `[]` for empty output. */
export async function ipJson<T = unknown>(ns: string | undefined, args: readonly string[]): Promise<T[]> {
  const r = await ip(ns, ['-j', ...args]);
  const text = r.stdout.trim();
  return text ? (JSON.parse(text) as T[]) : [];
}
