// Runs the real `bin/halb.js` as users do and collects its exit code, output and duration.
// `prefix` runs it under another program (e.g. setpriv to drop privileges).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const HALB_BIN = fileURLToPath(new URL('../../../bin/halb.js', import.meta.url));

export interface HalbRun {
  readonly code: number | null;
  /** Set when the command was killed (by the time bound: SIGKILL). */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `halb ARGS`, a command expected to end by itself: a hang is a failure (SIGKILL after `timeoutMs`), not a wait. */
export function runHalb(args: readonly string[], opts: { prefix?: readonly string[]; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<HalbRun> {
  const argv = [...(opts.prefix ?? []), process.execPath, HALB_BIN, ...args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], ...(opts.cwd ? { cwd: opts.cwd } : {}), env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}
