// vrrp_script and track_file blocks (keepalived/vrrp/vrrp_parser.c, trackers/track_file.c):
// their rows, and the section mappers that collect one named definition each.

import { didYouMean } from '../diagnostics.js';
import type { ScriptUser, VrrpScript, VrrpTrackFile } from '../model-vrrp.js';
import type { Token } from './lexer.js';
import { type KwTable, dispatch, supported } from './kw-table.js';
import type { MapTools } from './kw-tools.js';
import type { Stmt } from './parse.js';

interface ScriptDraft {
  script?: string;
  interval: number;
  timeout?: number;
  weight: number;
  weightReverse: boolean;
  rise: number;
  fall: number;
  user?: ScriptUser;
  initFail: boolean;
}

/** `weight W [reverse]` of vrrp_script and track_file. */
const weightReverse = (s: Stmt, t: MapTools, min: number, max: number, d: { weight: number; weightReverse: boolean }): void => {
  const v = t.int(s, 0, min, max);
  if (v !== undefined) d.weight = v;
  const opt = s.args[1];
  if (!opt) return;
  if (opt.text === 'reverse') d.weightReverse = true;
  else t.err(opt, `unknown weight option '${opt.text}'`, didYouMean(opt.text, ['reverse']), 'weight');
};

const intInto = (key: 'interval' | 'timeout' | 'rise' | 'fall', min: number, max: number, scale = 1) =>
  supported<ScriptDraft>(key, (s, d, t) => {
    const v = t.int(s, 0, min, max);
    if (v !== undefined) d[key] = v * scale;
  });

export const VRRP_SCRIPT: KwTable<ScriptDraft> = {
  scope: 'vrrp_script',
  blockCheck: 'known',
  rows: [
    supported('script', (s, d, t) => {
      const w = t.commandWords(s);
      if (!w) return;
      d.script = w[0]!;
      // keepalived 2.2.7 takes only the first (quoted) word as the command line.
      if (w.length > 1) t.warn(s.args[1] ?? s.keyword, `keepalived runs only '${w[0]}' and ignores the words after it; quote the whole command line to pass arguments`, 'script');
    }),
    intInto('interval', 1, 86400, 1000),
    intInto('timeout', 1, 86400, 1000),
    supported('weight', (s, d, t) => weightReverse(s, t, -253, 253, d)),
    intInto('rise', 1, 2 ** 31 - 1),
    intInto('fall', 1, 2 ** 31 - 1),
    supported('user', (s, d, t) => {
      if (t.needArgs(s, 1, 'a user name')) d.user = t.scriptUser(s, 0);
    }),
    supported('init_fail', (_s, d) => {
      d.initFail = true;
    }),
  ],
};

export type ScriptDef = VrrpScript & { tok: Token };
export type TrackFileDef = VrrpTrackFile & { tok: Token };

export function mapScript(s: Stmt, scripts: Map<string, ScriptDef>, t: MapTools): void {
  const nameTok = s.args[0];
  if (!nameTok) {
    t.err(s.keyword, 'needs a name');
    return;
  }
  if (scripts.has(nameTok.text)) {
    t.err(nameTok, `vrrp_script '${nameTok.text}' is defined twice`, undefined, 'vrrp_script');
    return;
  }
  // keepalived's defaults: VRRP_SCRIPT_DI 1 s, VRRP_SCRIPT_DT 0 = "use the interval", VRRP_SCRIPT_DW 0.
  const d: ScriptDraft = { interval: 1000, weight: 0, weightReverse: false, rise: 1, fall: 1, initFail: false };
  dispatch(VRRP_SCRIPT, t.needBlock(s), d, t, `vrrp_script '${nameTok.text}'`);
  if (d.script === undefined) {
    t.err(nameTok, `vrrp_script '${nameTok.text}' has no script`, undefined, 'vrrp_script');
    return;
  }
  scripts.set(nameTok.text, {
    name: nameTok.text,
    script: d.script,
    interval: d.interval,
    ...(d.timeout !== undefined ? { timeout: d.timeout } : {}),
    fall: d.fall,
    rise: d.rise,
    weight: d.weight,
    weightReverse: d.weightReverse,
    ...(d.user ? { user: d.user } : {}),
    ...(d.initFail ? { initFail: d.initFail } : {}),
    pos: t.pos(nameTok),
    tok: nameTok,
  });
}

interface TrackFileDraft {
  path?: string;
  weight: number;
  weightReverse: boolean;
  init?: { value: number; overwrite: boolean };
}

export const TRACK_FILE: KwTable<TrackFileDraft> = {
  scope: 'track_file',
  blockCheck: 'known',
  rows: [
    supported('file', (s, d, t) => {
      if (t.needArgs(s, 1, 'a file path')) d.path = s.args[0]!.text;
    }),
    supported('weight', (s, d, t) => weightReverse(s, t, -2147483647, 2147483647, d)),
    supported('init_file', (s, d, t) => {
      let value = 0,
        overwrite = false;
      for (const a of s.args) {
        if (a.text === 'overwrite') overwrite = true;
        else if (/^-?\d+$/.test(a.text)) value = Number(a.text);
        else t.err(a, `'${a.text}' is neither a value nor 'overwrite'`, undefined, 'init_file');
      }
      d.init = { value, overwrite };
    }),
  ],
};

export function mapTrackFile(s: Stmt, trackFiles: Map<string, TrackFileDef>, t: MapTools): void {
  const nameTok = s.args[0];
  if (!nameTok) {
    t.err(s.keyword, 'needs a name');
    return;
  }
  if (s.keyword.text === 'vrrp_track_file') t.note(s.keyword, "deprecated synonym of 'track_file'");
  if (trackFiles.has(nameTok.text)) {
    t.err(nameTok, `track_file '${nameTok.text}' is defined twice`, undefined, s.keyword.text);
    return;
  }
  const d: TrackFileDraft = { weight: 1, weightReverse: false }; // weight defaults to 1 (trackers/track_file.c)
  dispatch(TRACK_FILE, t.needBlock(s), d, t, `track_file '${nameTok.text}'`);
  if (d.path === undefined) {
    t.err(nameTok, `track_file '${nameTok.text}' has no file`, undefined, s.keyword.text);
    return;
  }
  trackFiles.set(nameTok.text, {
    name: nameTok.text,
    path: d.path,
    weight: d.weight,
    ...(d.weightReverse ? { weightReverse: d.weightReverse } : {}),
    ...(d.init ? { init: d.init } : {}),
    pos: t.pos(nameTok),
    tok: nameTok,
  });
}
