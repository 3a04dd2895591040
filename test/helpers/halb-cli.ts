// Run the real `bin/halb.js` as a child process and collect its exit code, output and duration.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const HALB_BIN = fileURLToPath(new URL('../../../bin/halb.js', import.meta.url));

export interface HalbRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `halb ARGS`; killed with SIGKILL after `timeoutMs` (then `signal` says so). */
export function runHalb(args: readonly string[], opts: { timeoutMs?: number; cwd?: string } = {}): Promise<HalbRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [HALB_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}
