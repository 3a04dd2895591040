// notify_master|backup|fault|stop and notify, with keepalived's arguments
// (vrrp_notify.c send_instance_notifies / send_group_notifies): the state script runs with
// its own command line only; then the generic `notify` script runs with four more
// arguments: INSTANCE|GROUP, the name, MASTER|BACKUP|FAULT|STOP and the priority (0 for a
// group). Calls return at once: scripts run in the background, one at a time per instance
// or group so a script sees transitions in order, each bounded by a timeout, and a failure
// is logged, never thrown into the state machine.

import type { Logger } from '../log/logger.js';
import type { NotifyKind, NotifyScripts, ScriptUser } from '../config/model-vrrp.js';
import { splitCommandLine } from '../config/keepalived/command-line.js';
import { runCommandLine, type RunOptions, type RunResult } from './script-runner.js';
import { checkScriptSecurity, nodeSecurityFs, type SecurityFs } from './script-security.js';
import { etcUserDb, resolveScriptUser, type Ids, type UserDb } from './users.js';
import { EVENT } from '../log/events.js';

export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';
export type NotifyType = 'INSTANCE' | 'GROUP';

export interface NotifyTarget {
  readonly type: NotifyType;
  readonly name: string;
  readonly notify: NotifyScripts;
}

export interface NotifyRunnerOptions {
  readonly logger: Logger;
  /** enable_script_security. */
  readonly enforceSecurity?: boolean;
  /** Global script_user (default for every script without its own user). */
  readonly scriptUser?: ScriptUser;
  /** Per-script run timeout (default 30 s). */
  readonly timeoutMs?: number;
  readonly userDb?: UserDb;
  readonly securityFs?: SecurityFs;
  /** Our own ids (default: process uid/gid). */
  readonly self?: Ids;
  readonly run?: (commandLine: string, opts: RunOptions) => Promise<RunResult>;
}

const KIND: Record<NotifyState, NotifyKind> = { MASTER: 'master', BACKUP: 'backup', FAULT: 'fault', STOP: 'stop' };

export class NotifyRunner {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly pendingAll = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly userDb: UserDb;
  private readonly run: (commandLine: string, opts: RunOptions) => Promise<RunResult>;
  /** Counters, for metrics: runs, failures, refused (security/user). */
  readonly stats = { runs: 0, failures: 0, refused: 0 };

  constructor(private readonly opts: NotifyRunnerOptions) {
    this.userDb = opts.userDb ?? etcUserDb();
    this.run = opts.run ?? runCommandLine;
  }

  /** Queue the notifications for a transition. Never blocks, never throws. */
  notify(target: NotifyTarget, state: NotifyState, priority: number): void {
    const jobs: { kind: NotifyKind; cmd: string; extra: string[] }[] = [];
    const specific = target.notify[KIND[state]];
    if (specific) jobs.push({ kind: KIND[state], cmd: specific, extra: [] });
    if (target.notify.any) jobs.push({ kind: 'any', cmd: target.notify.any, extra: [target.type, target.name, state, String(target.type === 'GROUP' ? 0 : priority)] });
    if (!jobs.length) return;
    const key = `${target.type}:${target.name}`;
    const prev = this.queues.get(key) ?? Promise.resolve();
    const next = prev.then(async () => {
      for (const j of jobs) await this.runOne(target, state, j.kind, j.cmd, j.extra);
    });
    const tracked = next.catch((e: unknown) => this.opts.logger.error({ event: EVENT.notify_error, instance: target.name, err: e }, 'notify failed'));
    this.queues.set(key, tracked);
    this.pendingAll.add(tracked);
    void tracked.finally(() => {
      this.pendingAll.delete(tracked);
      if (this.queues.get(key) === tracked) this.queues.delete(key);
    });
  }

  /** Resolves once every queued notification has finished (bounded by their timeouts). */
  async idle(): Promise<void> {
    while (this.pendingAll.size) await Promise.all([...this.pendingAll]);
  }

  /** Kill running notify scripts and drop the queue (daemon exit). */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.idle();
  }

  private async runOne(target: NotifyTarget, state: NotifyState, kind: NotifyKind, cmd: string, extra: string[]): Promise<void> {
    const log = this.opts.logger;
    const base = { event: EVENT.notify, instance: target.name, type: target.type, state, script: cmd };
    if (this.abort.signal.aborted) return;
    const who = resolveScriptUser(this.userDb, target.notify.users?.[kind] ?? this.opts.scriptUser, this.opts.self ?? selfIds());
    if (!who.ok) {
      this.stats.refused++;
      log.error({ ...base, reason: who.reason }, 'notify script not run');
      return;
    }
    if (who.warning) log.warn({ ...base, reason: who.warning }, 'notify script runs as root');
    const split = splitCommandLine(cmd);
    if (!split.ok || !split.argv.length) {
      this.stats.refused++;
      log.error({ ...base, reason: split.ok ? 'empty command' : split.reason }, 'notify script not run');
      return;
    }
    const sec = checkScriptSecurity(this.opts.securityFs ?? nodeSecurityFs, split.argv[0]!, who.ids, this.opts.enforceSecurity ?? false);
    if (!sec.ok) {
      this.stats.refused++;
      log.error({ ...base, reason: sec.reason }, 'notify script refused');
      return;
    }
    if (sec.insecure) log.warn({ ...base, reason: sec.insecure }, 'SECURITY: insecure notify script');
    this.stats.runs++;
    const r = await this.run(cmd, { timeoutMs: this.opts.timeoutMs ?? 30_000, uid: who.ids.uid, gid: who.ids.gid, extraArgs: extra, signal: this.abort.signal });
    if (!r.ok) {
      this.stats.failures++;
      log.warn({ ...base, reason: r.reason }, 'notify script failed');
    } else log.debug({ ...base, durationMs: Math.round(r.durationMs) }, 'notify script done');
  }
}

export function selfIds(): Ids {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}
