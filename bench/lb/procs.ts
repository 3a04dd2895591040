// Child processes of the bench: every one is registered here so that a single `stopAll()` in a
// `finally` (and on SIGINT/SIGTERM) leaves nothing running, also when a measurement throws.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Placement {
  /** CPU to pin the process to with taskset; undefined = no pinning. */
  cpu?: number | undefined;
  /** Soft+hard RLIMIT_NOFILE to set with prlimit before exec (cannot exceed our hard limit). */
  nofile?: number | undefined;
  /** 'ignore' sends stdout to /dev/null (a proxy's access log under load); default: read it. */
  stdout?: 'pipe' | 'ignore';
}

export interface Child {
  readonly name: string;
  /** pid of the program itself: prlimit and taskset exec it, they do not fork. */
  readonly pid: number;
  readonly proc: ChildProcess;
  /** Output lines so far (stdout and stderr, tagged), bounded. */
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** Resolves with the first line (from now or already seen) matching `re`, or rejects after `timeoutMs`. */
  waitForLine(re: RegExp, timeoutMs: number, fromIndex?: number): Promise<string>;
  /** Calls `fn` for every future line; returns the unsubscribe function. */
  onLine(fn: (line: string, stream: 'out' | 'err') => void): () => void;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const MAX_LINES = 5000;

export function wrapCommand(cmd: string, args: string[], where: Placement): [string, string[]] {
  let c = cmd;
  let a = args;
  if (where.cpu !== undefined) {
    a = ['-c', String(where.cpu), c, ...a];
    c = 'taskset';
  }
  if (where.nofile !== undefined) {
    a = [`--nofile=${where.nofile}:${where.nofile}`, c, ...a];
    c = 'prlimit';
  }
  return [c, a];
}

export class Procs {
  private readonly children = new Set<Child>();

  spawn(name: string, cmd: string, args: string[], where: Placement = {}, env?: NodeJS.ProcessEnv): Child {
    const [c, a] = wrapCommand(cmd, args, where);
    const proc = spawn(c, a, { stdio: ['pipe', where.stdout ?? 'pipe', 'pipe'], env: env ?? process.env });
    if (proc.pid === undefined) throw new Error(`${name}: could not spawn ${c}`);
    const lines: string[] = [];
    const listeners: Array<(line: string, stream: 'out' | 'err') => void> = [];
    let done = false;
    const push = (stream: 'out' | 'err') => (line: string) => {
      if (lines.length < MAX_LINES) lines.push(line);
      for (const l of listeners) l(line, stream);
    };
    if (proc.stdout) createInterface({ input: proc.stdout }).on('line', push('out'));
    createInterface({ input: proc.stderr! }).on('line', push('err'));
    proc.stdin!.on('error', () => {});
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      proc.on('exit', (code, signal) => {
        done = true;
        resolve({ code, signal });
      });
      proc.on('error', () => {
        done = true;
        resolve({ code: -1, signal: null });
      });
    });
    const child: Child = {
      name,
      pid: proc.pid,
      proc,
      lines,
      exited,
      hasExited: () => done,
      onLine: (fn) => {
        listeners.push(fn);
        return () => {
          const i = listeners.indexOf(fn);
          if (i >= 0) listeners.splice(i, 1);
        };
      },
      waitForLine: (re, timeoutMs, fromIndex = 0) =>
        new Promise<string>((resolve, reject) => {
          for (let i = fromIndex; i < lines.length; i++) if (re.test(lines[i]!)) return resolve(lines[i]!);
          const timer = setTimeout(() => {
            finish();
            reject(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms; last output: ${lines.slice(-5).join(' | ')}`));
          }, timeoutMs);
          const onLine = (line: string): void => {
            if (re.test(line)) {
              finish();
              resolve(line);
            }
          };
          const onExit = (): void => {
            finish();
            reject(new Error(`${name}: exited before printing ${re}; last output: ${lines.slice(-5).join(' | ')}`));
          };
          const finish = (): void => {
            clearTimeout(timer);
            const i = listeners.indexOf(onLine);
            if (i >= 0) listeners.splice(i, 1);
            proc.off('exit', onExit);
          };
          listeners.push(onLine);
          proc.once('exit', onExit);
        }),
      kill: async (signal = 'SIGTERM') => {
        if (done) return;
        proc.kill(signal);
        const t = setTimeout(() => proc.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(t);
      },
    };
    this.children.add(child);
    void exited.then(() => this.children.delete(child));
    return child;
  }

  /** Runs a command to completion with a hard deadline; returns its output. */
  async run(name: string, cmd: string, args: string[], where: Placement, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = this.spawn(name, cmd, args, where);
    const out: string[] = [];
    const err: string[] = [];
    child.onLine((l, s) => (s === 'out' ? out : err).push(l));
    const timer = setTimeout(() => void child.kill('SIGKILL'), timeoutMs);
    const { code } = await child.exited;
    clearTimeout(timer);
    // readline may deliver the last lines just after 'exit'
    await new Promise((r) => setImmediate(r));
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((c) => c.kill('SIGTERM')));
  }

  /** Synchronous last resort for process 'exit' handlers. */
  killAllNow(): void {
    for (const c of this.children) if (!c.hasExited()) c.proc.kill('SIGKILL');
  }
}
