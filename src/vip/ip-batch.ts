// A long-lived `ip -force -batch -` coprocess for address changes. Why: `ip addr add` through
// execFile costs a fork+exec per VIP, ~10 ms here and more on a loaded host, and the takeover's
// gratuitous ARP has to wait for it (keepalived talks netlink directly and announces within
// ~0.1 ms). Writing one line to a running `ip` costs a netlink round trip.
// Protocol: each command is followed by `link show dev lo` (with -o: exactly one line, "N: lo:
// …"), which marks the end of the command's output; `-force` keeps ip going after a failure and
// reports it as "Command failed -:LINE". stderr goes into stdout (`2>&1`) so both arrive in order,
// and stdbuf makes ip's stdout line-buffered.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { IpCommandError, type IpResult, type IpRunner } from './iproute.js';

interface Pending {
  readonly args: readonly string[];
  readonly line: number;
  readonly resolve: (r: IpResult) => void;
  readonly reject: (e: Error) => void;
  output: string[];
  failed: boolean;
}

const MARKER = /^\d+: lo: /;
const FAILED = /^Command failed -:(\d+)$/;
/** Arguments ip's batch tokenizer would split or unquote differently: those go through exec. */
const UNSAFE = /[\s"'\\#]/;

export class IpBatch {
  private child: ChildProcess | undefined;
  private lines = 0;
  private readonly queue: Pending[] = [];

  constructor(
    private readonly fallback: IpRunner,
    private readonly binary = 'ip',
  ) {}

  /** An IpRunner that sends what it can through the coprocess and the rest through `fallback`. */
  runner(): IpRunner {
    return (args, signal) => (args.some((a) => a === '' || UNSAFE.test(a)) || args[0]?.startsWith('-') ? this.fallback(args, signal) : this.run(args));
  }

  run(args: readonly string[]): Promise<IpResult> {
    let child: ChildProcess;
    try {
      child = this.start();
    } catch {
      return this.fallback(args);
    }
    return new Promise<IpResult>((resolve, reject) => {
      this.lines += 2;
      this.queue.push({ args, line: this.lines - 1, resolve, reject, output: [], failed: false });
      if (this.queue.length === 1) this.setRef(child, true);
      child.stdin!.write(`${args.join(' ')}\nlink show dev lo\n`);
    });
  }

  /** Starts the coprocess now, so the first takeover does not pay for sh + stdbuf + ip starting. */
  warm(): void {
    try {
      this.start();
    } catch {
      /* run() falls back to exec */
    }
  }

  /** Ends the coprocess; commands still queued fail. */
  close(): void {
    const c = this.child;
    this.child = undefined;
    if (c) {
      c.stdin?.end();
      c.kill('SIGTERM');
    }
    this.failAll(new Error('ip batch closed'));
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const c = spawn('sh', ['-c', `exec stdbuf -oL ${this.binary} -o -force -batch - 2>&1`], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.lines = 0;
    this.child = c;
    createInterface({ input: c.stdout! }).on('line', (l) => this.onLine(l));
    c.on('error', () => this.died(c));
    c.on('exit', () => this.died(c));
    c.stdin!.on('error', () => this.died(c));
    // Never keep the daemon alive just for an idle helper (referenced while answers are awaited).
    (c.stdin as unknown as { unref?: () => void }).unref?.();
    this.setRef(c, false);
    return c;
  }

  private setRef(c: ChildProcess, on: boolean): void {
    const out = c.stdout as unknown as { ref?: () => void; unref?: () => void };
    if (on) {
      c.ref();
      out.ref?.();
    } else {
      c.unref();
      out.unref?.();
    }
  }

  private onLine(l: string): void {
    const head = this.queue[0];
    if (!head) return;
    const f = FAILED.exec(l);
    if (f) {
      const n = Number(f[1]);
      const p = this.queue.find((q) => q.line === n);
      if (p) p.failed = true;
      return;
    }
    if (!MARKER.test(l)) {
      head.output.push(l);
      return;
    }
    this.queue.shift();
    if (this.queue.length === 0 && this.child) this.setRef(this.child, false);
    const text = head.output.join('\n');
    if (head.failed) head.reject(new IpCommandError(head.args, 1, text));
    else head.resolve({ stdout: '', stderr: text });
  }

  private died(c: ChildProcess): void {
    if (this.child !== c) return;
    this.child = undefined;
    // What was in flight may or may not have been applied: let the callers check and retry via exec.
    const pending = this.queue.splice(0);
    for (const p of pending) this.fallback(p.args).then(p.resolve, p.reject);
  }

  private failAll(err: Error): void {
    for (const p of this.queue.splice(0)) p.reject(err);
  }
}
