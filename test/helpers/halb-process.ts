// The real halb process as users start it (bin/halb.js), its stdout split into lines, for tests of
// signals, log formats and exits. Waits are on lines and exits, never on sleeps.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TIMESCALE as scale } from './timescale.js';

export const HALB_BIN = fileURLToPath(new URL('../../../bin/halb.js', import.meta.url));

export interface HalbProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout lines as written (JSON or text), in order. */
  readonly lines: string[];
  /** stderr so far. */
  stderr(): string;
  /** JSON stdout lines, parsed (lines that are not JSON are skipped). */
  json(): Array<Record<string, unknown>>;
  waitLine(pred: (line: string) => boolean, ms?: number): Promise<string>;
  waitJson(pred: (l: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running (test cleanup). */
  kill(): Promise<void>;
}

/**
 * Starts `bin/halb.js ARGS`. `asProgram` runs the file itself (its shebang, as `npx halb` does);
 * otherwise `node bin/halb.js`.
 */
export function startHalb(args: string[], opts: { env?: NodeJS.ProcessEnv; asProgram?: boolean } = {}): HalbProcess {
  const env = { HALB_WARMUP: '0', ...(opts.env ?? process.env) };
  const child = opts.asProgram ? spawn(HALB_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env }) : spawn(process.execPath, [HALB_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const lines: string[] = [];
  let rest = '';
  let err = '';
  const waiters = new Set<() => void>();
  const poke = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
    poke();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    poke();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      if (rest) lines.push(rest);
      resolve({ code, signal });
      poke();
    }),
  );
  const parse = (l: string): Record<string, unknown> | undefined => {
    try {
      const v = JSON.parse(l) as unknown;
      return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const json = () => lines.map(parse).filter((l): l is Record<string, unknown> => l !== undefined);
  const waitLine = (pred: (line: string) => boolean, ms = 15_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = lines.find(pred);
        if (found !== undefined) return done(() => resolve(found));
        if (child.exitCode !== null || child.signalCode !== null) {
          done(() => reject(new Error(`halb exited (${child.exitCode ?? child.signalCode}) before the line; stdout: ${lines.slice(-5).join(' | ')}; stderr: ${err.slice(-500)}`)));
        }
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no such line in ${ms * scale} ms; stdout: ${lines.slice(-5).join(' | ')}; stderr: ${err.slice(-500)}`))), ms * scale);
      const done = (f: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        f();
      };
      waiters.add(check);
      check();
    });
  return {
    child,
    pid: child.pid!,
    lines,
    stderr: () => err,
    json,
    waitLine,
    async waitJson(pred, ms) {
      const line = await waitLine((l) => {
        const j = parse(l);
        return j !== undefined && pred(j);
      }, ms);
      return parse(line)!;
    },
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** TCP ports `pid` listens on (from `ss -ltnp`; add `ipNetns` to look inside a namespace). */
export function listeningPorts(pid: number, ipNetns?: string): number[] {
  const argv = ipNetns ? ['ip', 'netns', 'exec', ipNetns, 'ss', '-Hltnp'] : ['ss', '-Hltnp'];
  const out = execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  const ports: number[] = [];
  for (const line of out.split('\n')) {
    if (!line.includes(`pid=${pid},`)) continue;
    const local = line.trim().split(/\s+/)[3] ?? '';
    ports.push(Number(local.slice(local.lastIndexOf(':') + 1)));
  }
  return ports;
}

/** Pids of the direct children of `pid` (`ps` exits 1 when there are none). */
export function childPids(pid: number): number[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim();
    return out ? out.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}
