// Runs a script the way keepalived does (lib/notify.c system_call_script): the command line
// is split with keepalived's quoting rules and executed without a shell, in its own process
// group, as the configured uid/gid. On timeout the whole group gets SIGTERM, then SIGKILL
// 2 s later (vrrp_scheduler.c); a script killed that way counts as failed. Exit status 0 is
// success. A command starting with '<' is keepalived's "is this file openable" check
// (notify.c: "</path" is not executed); '</dev/tcp/HOST/PORT' is the bash idiom users write
// for a port check, so halb performs that TCP connect itself.

import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { connect } from 'node:net';
import { splitCommandLine } from '../config/keepalived/command-line.js';

export interface RunOptions {
  readonly timeoutMs: number;
  readonly uid?: number;
  readonly gid?: number;
  /** Extra arguments appended after the split command line (notify: TYPE NAME STATE PRIORITY). */
  readonly extraArgs?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Delay between SIGTERM and SIGKILL of the process group on timeout. */
  readonly killGraceMs?: number;
  readonly signal?: AbortSignal;
}

export interface RunResult {
  readonly ok: boolean;
  readonly exitCode?: number;
  readonly signal?: string;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** Human-readable cause, for logs ("exited with status 1", "timed out after 3000 ms"...). */
  readonly reason: string;
  readonly pid?: number;
}

/** Run one command line. Never rejects: failures are results. */
export async function runCommandLine(commandLine: string, opts: RunOptions): Promise<RunResult> {
  const split = splitCommandLine(commandLine);
  if (!split.ok) return fail(0, `cannot split command line: ${split.reason}`);
  if (!split.argv.length) return fail(0, 'empty command line');
  return runArgv([...split.argv, ...(opts.extraArgs ?? [])], opts);
}

async function runArgv(argv: readonly string[], opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const first = argv[0]!;
  if (first.startsWith('<')) return openCheck(first.slice(1).trim() || argv[1] || '', opts.timeoutMs, started);
  return new Promise<RunResult>((resolve) => {
    let timedOut = false;
    let settled = false;
    let termTimer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(first, argv.slice(1), {
      // Own process group (setpgid in keepalived) so a timeout kills the script's children too.
      detached: true,
      stdio: 'ignore',
      shell: false,
      env: opts.env ?? process.env,
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    });
    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        /* already gone */
      }
    };
    const finish = (r: Omit<RunResult, 'durationMs' | 'pid'>): void => {
      if (settled) return;
      settled = true;
      if (termTimer) clearTimeout(termTimer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ ...r, durationMs: performance.now() - started, ...(child.pid !== undefined ? { pid: child.pid } : {}) });
    };
    const onAbort = (): void => {
      timedOut = true;
      killGroup('SIGKILL');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    termTimer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs ?? 2000);
    }, opts.timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => finish({ ok: false, timedOut: false, reason: `cannot run '${first}': ${e.code ?? e.message}` }));
    child.on('exit', (code, sig) => {
      // The script is gone; make sure nothing it started outlives a timeout.
      if (timedOut) killGroup('SIGKILL');
      if (timedOut) finish({ ok: false, timedOut: true, ...(sig ? { signal: sig } : {}), ...(code !== null ? { exitCode: code } : {}), reason: `timed out after ${opts.timeoutMs} ms` });
      else if (sig) finish({ ok: false, timedOut: false, signal: sig, reason: `killed by ${sig}` });
      else finish({ ok: code === 0, timedOut: false, exitCode: code ?? -1, reason: code === 0 ? 'exited with status 0' : `exited with status ${code}` });
    });
  });
}

function fail(started: number, reason: string): RunResult {
  return { ok: false, timedOut: false, durationMs: started ? performance.now() - started : 0, reason };
}

async function openCheck(path: string, timeoutMs: number, started: number): Promise<RunResult> {
  const tcp = /^\/dev\/tcp\/([^/]+)\/(\d+)$/.exec(path);
  if (tcp) {
    const [, host, port] = tcp;
    return new Promise<RunResult>((resolve) => {
      const sock = connect({ host: host!, port: Number(port) });
      const done = (ok: boolean, reason: string, timedOut = false): void => {
        clearTimeout(timer);
        sock.destroy();
        resolve({ ok, timedOut, durationMs: performance.now() - started, reason });
      };
      const timer = setTimeout(() => done(false, `connect to ${host}:${port} timed out after ${timeoutMs} ms`, true), timeoutMs);
      sock.once('connect', () => done(true, `connected to ${host}:${port}`));
      sock.once('error', (e: NodeJS.ErrnoException) => done(false, `connect to ${host}:${port}: ${e.code ?? e.message}`));
    });
  }
  try {
    const fh = await open(path, 'r');
    await fh.close();
    return { ok: true, timedOut: false, durationMs: performance.now() - started, reason: `opened ${path}` };
  } catch (e) {
    return fail(started, `cannot open ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}
