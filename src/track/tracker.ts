// Tracking for all VRRP instances of one config: runs the vrrp_scripts that some instance
// tracks (keepalived runs only those), watches track files, takes interface up/down events
// from the interface watcher, and tells the VRRP runtime what changed. The runtime asks
// `verdict(instance)` for the effective priority / FAULT / pending state (priority.ts).
//
// One timer for all scripts (conventions §3): it wakes at the earliest due run. Decisions
// come from the pure core in script-state.ts; this file only performs them.

import { closeSync, constants, fstatSync, openSync, watch, watchFile, unwatchFile, writeSync, type FSWatcher } from 'node:fs';
import { CONFIG_LIMITS } from '../config/limits.js';
import { ConfigReadError, fileTypeOf, readBoundedFileSync } from '../config/read-file.js';
import type { Logger } from '../log/logger.js';
import type { Clock } from '../util/clock.js';
import type { VrrpConfig, VrrpInstance, VrrpScript, VrrpTrackFile } from '../config/model-vrrp.js';
import { splitCommandLine } from '../config/keepalived/command-line.js';
import { effectivePriority, type PriorityVerdict } from './priority.js';
import { runCommandLine, type RunOptions, type RunResult } from './script-runner.js';
import { checkScriptSecurity, nodeSecurityFs, type SecurityFs } from './script-security.js';
import { initialScriptState, scriptResult, scriptTick, scriptTimeout, type ScriptState } from './script-state.js';
import { parseTrackFileValue } from './track-file-value.js';
import type { TrackChange, TrackedItem, TrackStatus } from './types.js';
import { etcUserDb, resolveScriptUser, type Ids, type UserDb } from './users.js';
import { selfIds } from './notify.js';
import { sameIgnoringPositions } from '../vrrp/reload-plan.js';
import { EVENT } from '../log/events.js';

export interface TrackerOptions {
  readonly config: VrrpConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly userDb?: UserDb;
  readonly securityFs?: SecurityFs;
  readonly self?: Ids;
  readonly run?: (commandLine: string, opts: RunOptions) => Promise<RunResult>;
  /** Track-file I/O (defaults to node:fs); `watch` returns a stop function. */
  readonly files?: TrackFileIo;
}

export interface TrackFileIo {
  /** Contents, undefined when missing; throws with the reason for a file that is refused. */
  read(path: string): string | undefined;
  write(path: string, content: string): void;
  watch(path: string, onChange: () => void): () => void;
}

interface ScriptRun {
  readonly spec: VrrpScript;
  state: ScriptState;
  /** Set when the script may not run (user or security refusal): it stays failed. */
  refused?: string;
  ids?: Ids;
}

export class Tracker {
  private readonly scripts = new Map<string, ScriptRun>();
  private readonly files = new Map<string, { spec: VrrpTrackFile; value: number; stop?: () => void }>();
  private readonly ifaces = new Map<string, TrackStatus>();
  private readonly listeners = new Set<(c: TrackChange) => void>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private readonly run: (commandLine: string, opts: RunOptions) => Promise<RunResult>;
  private readonly io: TrackFileIo;
  /** The running configuration (replaced by reload()). */
  private config: VrrpConfig;

  constructor(private readonly opts: TrackerOptions) {
    this.run = opts.run ?? runCommandLine;
    this.io = opts.files ?? nodeTrackFileIo;
    this.config = opts.config;
    const now = opts.clock.now();
    for (const s of usedScripts(this.config)) this.scripts.set(s.name, { spec: s, state: initialScriptState(s, now) });
    for (const f of usedFiles(this.config)) this.files.set(f.name, { spec: f, value: 0 });
  }

  /**
   * Reload (SIGHUP): scripts and track files that no instance uses any more stop, new or
   * changed definitions start afresh (a changed script reports again from its first result;
   * until then instances keep the status they had), unchanged ones keep their state and
   * schedule. Security and user checks are redone when the global script settings changed.
   */
  reload(config: VrrpConfig): void {
    const prev = this.config;
    this.config = config;
    const globalsChanged = !sameIgnoringPositions(prev.globals.scriptUser, config.globals.scriptUser) || prev.globals.enableScriptSecurity !== config.globals.enableScriptSecurity;
    const now = this.opts.clock.now();
    const log = this.opts.logger;
    const wantScripts = new Map(usedScripts(config).map((s) => [s.name, s] as const));
    for (const name of [...this.scripts.keys()]) {
      if (!wantScripts.has(name)) {
        this.scripts.delete(name);
        log.info({ event: EVENT.track_reload, script: name, action: 'remove' }, `VRRP_Script(${name}) no longer tracked`);
      }
    }
    const toPrepare: string[] = [];
    for (const [name, spec] of wantScripts) {
      const had = this.scripts.get(name);
      if (had && sameIgnoringPositions(had.spec, spec)) {
        if (globalsChanged) toPrepare.push(name);
        continue;
      }
      this.scripts.set(name, { spec, state: initialScriptState(spec, now) });
      toPrepare.push(name);
      log.info({ event: EVENT.track_reload, script: name, action: had ? 'update' : 'add' }, `VRRP_Script(${name}) ${had ? 'changed' : 'added'}`);
    }
    const wantFiles = new Map(usedFiles(config).map((f) => [f.name, f] as const));
    for (const [name, f] of [...this.files]) {
      const spec = wantFiles.get(name);
      if (spec && sameIgnoringPositions(f.spec, spec)) continue;
      f.stop?.();
      this.files.delete(name);
    }
    const newFiles: string[] = [];
    for (const [name, spec] of wantFiles) {
      if (this.files.has(name)) continue;
      this.files.set(name, { spec, value: 0 });
      newFiles.push(name);
    }
    if (!this.started) return;
    this.prepareScripts(toPrepare);
    for (const name of newFiles) this.startFile(name);
    this.schedule();
  }

  onChange(cb: (c: TrackChange) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.prepareScripts([...this.scripts.keys()]);
    for (const name of this.files.keys()) this.startFile(name);
    this.schedule();
  }

  /** User resolution and script security for these scripts; refused ones count as failed. */
  private prepareScripts(names: readonly string[]): void {
    const log = this.opts.logger;
    const db = this.opts.userDb ?? etcUserDb();
    const self = this.opts.self ?? selfIds();
    const g = this.config.globals;
    let insecureSeen = false;
    for (const name of names) {
      const s = this.scripts.get(name);
      if (!s) continue;
      delete s.refused;
      delete s.ids;
      const who = resolveScriptUser(db, s.spec.user ?? g.scriptUser, self);
      const argv0 = splitCommandLine(s.spec.script);
      if (!who.ok) s.refused = who.reason;
      else if (!argv0.ok || !argv0.argv.length) s.refused = 'cannot split command line';
      else {
        s.ids = who.ids;
        if (who.warning) log.warn({ event: EVENT.track_script_user, script: name, reason: who.warning }, 'track script runs as root');
        const sec = checkScriptSecurity(this.opts.securityFs ?? nodeSecurityFs, argv0.argv[0]!, who.ids, g.enableScriptSecurity);
        if (!sec.ok) s.refused = sec.reason;
        else if (sec.insecure) {
          insecureSeen = true;
          log.warn({ event: EVENT.track_script_insecure, script: name, reason: sec.insecure }, 'SECURITY: insecure track script');
        }
      }
      if (s.refused) {
        // Fail closed: a script we refuse to run counts as failing (keepalived disables it instead).
        log.error({ event: EVENT.track_script_refused, script: name, reason: s.refused }, 'track script will not run; it counts as failed');
        s.state = { ...s.state, status: 'failed', result: 0 };
        this.emit({ kind: 'script', name, ok: false, reason: s.refused });
      }
    }
    if (insecureSeen && !g.enableScriptSecurity) log.warn({ event: EVENT.script_security }, 'SECURITY VIOLATION - scripts are being executed but script_security not enabled');
  }

  private startFile(name: string): void {
    const f = this.files.get(name);
    if (!f) return;
    const init = f.spec.init;
    let missing = false;
    try {
      missing = this.io.read(f.spec.path) === undefined;
    } catch {
      // Refused (a FIFO, a device): not initialised; readFile below logs why.
    }
    if (init && (init.overwrite || missing)) {
      try {
        this.io.write(f.spec.path, `${init.value}\n`);
      } catch (e) {
        this.opts.logger.error({ event: EVENT.track_file_init, file: f.spec.path, err: e }, 'cannot initialise track file');
      }
    }
    this.readFile(name, true);
    f.stop = this.io.watch(f.spec.path, () => this.readFile(name, false));
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    for (const f of this.files.values()) f.stop?.();
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  /** Interface watcher input: link/oper state of `name`. */
  setInterface(name: string, up: boolean, reason?: string): void {
    const status: TrackStatus = up ? 'ok' : 'failed';
    if (this.ifaces.get(name) === status) return;
    this.ifaces.set(name, status);
    this.emit({ kind: 'interface', name, ok: up, ...(reason ? { reason } : {}) });
  }

  /**
   * What is known now about every tracked script (with a result), file and interface, as the
   * changes that would report it: replayed into the VRRP runtime after a reload so instances
   * that start tracking an item learn its current status.
   */
  snapshot(): TrackChange[] {
    const out: TrackChange[] = [];
    for (const [name, s] of this.scripts) if (s.state.status !== 'unknown') out.push({ kind: 'script', name, ok: s.state.status === 'ok' });
    for (const [name, f] of this.files) out.push({ kind: 'file', name, ok: f.value === 0, value: f.value });
    for (const [name, st] of this.ifaces) if (st !== 'unknown') out.push({ kind: 'interface', name, ok: st === 'ok' });
    return out;
  }

  scriptStatus(name: string): TrackStatus {
    return this.scripts.get(name)?.state.status ?? 'unknown';
  }

  fileValue(name: string): number | undefined {
    return this.files.get(name)?.value;
  }

  /** The items an instance tracks, with their current statuses. */
  items(inst: VrrpInstance): TrackedItem[] {
    const out: TrackedItem[] = [];
    for (const t of inst.trackScripts) out.push({ kind: 'script', name: t.name, weight: t.weight ?? 0, reverse: t.reverse ?? false, status: this.scriptStatus(t.name) });
    // The instance's own interface and those of its VIPs mean FAULT when down (keepalived
    // tracks them unless dont_track_primary), unless listed explicitly with a weight.
    const listed = new Set(inst.trackInterfaces.map((t) => t.name));
    const implicit = new Set<string>();
    if (!inst.dontTrackPrimary) implicit.add(inst.interface);
    for (const v of [...inst.virtualAddresses, ...inst.virtualAddressesExcluded]) if (v.dev && v.dev !== inst.interface) implicit.add(v.dev);
    for (const name of implicit) if (!listed.has(name)) out.push({ kind: 'interface', name, weight: 0, reverse: false, status: this.ifaces.get(name) ?? 'unknown' });
    for (const t of inst.trackInterfaces) out.push({ kind: 'interface', name: t.name, weight: t.weight ?? 0, reverse: t.reverse ?? false, status: this.ifaces.get(t.name) ?? 'unknown' });
    for (const t of inst.trackFiles) out.push({ kind: 'file', name: t.name, weight: t.weight ?? 1, reverse: t.reverse ?? false, value: this.files.get(t.name)?.value ?? 0 });
    return out;
  }

  verdict(inst: VrrpInstance): PriorityVerdict {
    return effectivePriority(inst.priority, this.items(inst));
  }

  private emit(c: TrackChange): void {
    for (const l of this.listeners) {
      try {
        l(c);
      } catch (e) {
        this.opts.logger.error({ event: EVENT.track_listener_error, err: e }, 'track listener threw');
      }
    }
  }

  private readFile(name: string, initial: boolean): void {
    const f = this.files.get(name);
    if (!f) return;
    let text: string | undefined;
    try {
      text = this.io.read(f.spec.path);
    } catch (e) {
      this.opts.logger.warn({ event: EVENT.track_file_invalid, file: f.spec.path, reason: e instanceof Error ? e.message : String(e) }, 'ignoring track file');
      return;
    }
    const r = parseTrackFileValue(text);
    if (!r.ok) {
      this.opts.logger.warn({ event: EVENT.track_file_invalid, file: f.spec.path, reason: r.reason }, 'ignoring track file value');
      return;
    }
    if (r.value === f.value && !initial) return;
    const changed = r.value !== f.value;
    f.value = r.value;
    if (changed || initial) this.emit({ kind: 'file', name, ok: r.value === 0, value: r.value, reason: `${f.spec.path} = ${r.value}` });
  }

  private schedule(): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    let earliest = Infinity;
    for (const s of this.scripts.values()) if (!s.refused) earliest = Math.min(earliest, s.state.nextRunAt);
    if (earliest === Infinity) return;
    const delay = Math.max(0, earliest - this.opts.clock.now());
    this.timer = setTimeout(() => this.onTimer(), delay);
    this.timer.unref?.();
  }

  private onTimer(): void {
    this.timer = undefined;
    const now = this.opts.clock.now();
    for (const [name, s] of this.scripts) {
      if (s.refused) continue;
      const d = scriptTick(s.spec, s.state, now);
      if (d.state.skipped > s.state.skipped) this.opts.logger.info({ event: EVENT.track_script_skip, script: name }, 'track script still running; skipping this run');
      s.state = d.state;
      if (d.run) this.launch(name, s);
    }
    this.schedule();
  }

  private launch(name: string, s: ScriptRun): void {
    const p = this.run(s.spec.script, {
      timeoutMs: scriptTimeout(s.spec),
      ...(s.ids ? { uid: s.ids.uid, gid: s.ids.gid } : {}),
      signal: this.abort.signal,
    })
      .then((r) => {
        // Stopped, or the script was removed or redefined by a reload meanwhile.
        if (!this.started || this.scripts.get(name) !== s) return;
        const d = scriptResult(s.spec, s.state, r.ok);
        s.state = d.state;
        if (d.change) {
          this.opts.logger.info(
            { event: EVENT.track_script, script: name, reason: r.reason, status: d.change },
            `VRRP_Script(${name}) ${d.change === 'ok' ? 'succeeded' : r.timedOut ? 'timed_out' : 'failed'}`,
          );
          this.emit({ kind: 'script', name, ok: d.change === 'ok', reason: r.reason });
        }
      })
      .catch((e: unknown) => this.opts.logger.error({ event: EVENT.track_script_error, script: name, err: e }, 'track script run failed'));
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** node:fs track-file I/O: inotify on the directory (as keepalived), stat polling as fallback. */
const nodeTrackFileIo: TrackFileIo = {
  read(path) {
    // keepalived reads the first 127 bytes; the bounded reader also refuses a FIFO or a device
    // (a FIFO without a writer would block the event loop, and with it VRRP, for good).
    try {
      return readBoundedFileSync(path, CONFIG_LIMITS.trackFileBytes, { head: true });
    } catch (e) {
      if (e instanceof ConfigReadError) throw e;
      return undefined;
    }
  },
  write(path, content) {
    // O_NONBLOCK: opening a FIFO with no reader fails (ENXIO) instead of blocking the loop.
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NONBLOCK, 0o644);
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new ConfigReadError('not-regular', `not a regular file (it is ${fileTypeOf(st)})`);
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
  },
  watch(path, onChange) {
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    let w: FSWatcher | undefined;
    try {
      w = watch(dir, { persistent: false }, (_ev, file) => {
        if (!file || file === baseName(path)) onChange();
      });
      w.on('error', () => undefined);
      return () => w?.close();
    } catch {
      const listener = (): void => onChange();
      watchFile(path, { interval: 1000, persistent: false }, listener);
      return () => unwatchFile(path, listener);
    }
  },
};

/** vrrp_scripts some instance tracks (keepalived runs only those). */
function usedScripts(config: VrrpConfig): VrrpScript[] {
  const used = new Set(config.instances.flatMap((i) => i.trackScripts.map((t) => t.name)));
  return config.scripts.filter((s) => used.has(s.name));
}

function usedFiles(config: VrrpConfig): VrrpTrackFile[] {
  const used = new Set(config.instances.flatMap((i) => i.trackFiles.map((t) => t.name)));
  return config.trackFiles.filter((f) => used.has(f.name));
}
