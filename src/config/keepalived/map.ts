// keepalived.conf statement tree -> VrrpConfig. Defaults and checks follow keepalived 2.2.7
// (keepalived/vrrp/vrrp_parser.c, vrrp_data.c, vrrp.c vrrp_complete_instance). Where keepalived
// logs a config error and carries on with a corrected value, halb does the same and says so
// as a warning; where keepalived drops the item or the value cannot mean anything, it is an
// error. Directives outside halb's scope are warnings (they change behaviour) or notes
// (logging, e-mail, process tuning) naming file:line.
//
// Every block is read through its keyword table (kw-table.ts): one row per keyword, in
// kw-global.ts, kw-script.ts, kw-instance.ts and kw-sync-group.ts; this file holds the top level.

import type { Diagnostics } from '../diagnostics.js';
import type { VrrpConfig, VrrpInstance } from '../model-vrrp.js';
import { completeInstance, resolveMembership, syncGroupsOf } from './instance-complete.js';
import { GLOBAL_DEFS, type GlobalDefs, applyMinGarp, newGlobalDefs } from './kw-global.js';
import { AUTHENTICATION, type RawInstance, VRRP_INSTANCE, mapInstance } from './kw-instance.js';
import { type ScriptDef, TRACK_FILE, type TrackFileDef, VRRP_SCRIPT, mapScript, mapTrackFile } from './kw-script.js';
import { type RawGroup, VRRP_SYNC_GROUP, mapSyncGroup } from './kw-sync-group.js';
import { type KwTable, dispatch, supported, unsupported } from './kw-table.js';
import { type MapTools, makeTools } from './kw-tools.js';
import type { Token } from './lexer.js';
import type { Stmt } from './parse.js';
import { modelLocator, validateVrrp } from '../validate-vrrp.js';

/** What the sections collect before the cross-checks. */
export interface MapState {
  readonly globals: GlobalDefs;
  readonly scripts: Map<string, ScriptDef>;
  readonly trackFiles: Map<string, TrackFileDef>;
  readonly raws: RawInstance[];
  readonly groups: RawGroup[];
}

/** Top-level sections halb does not implement: warned and skipped. */
const OUT_OF_SCOPE = [
  'virtual_server',
  'virtual_server_group',
  'vrrp_track_process',
  'static_ipaddress',
  'static_routes',
  'static_rules',
  'bfd_instance',
  'garp_group',
  'linkbeat_interfaces',
  'track_group',
  'interface_up_down_delays',
  'net_namespace',
  'net_namespace_ipvs',
  'namespace_with_ipsets',
  'instance',
  'use_pid_dir',
  'linkbeat_use_polling',
  'child_wait_time',
];

// The row order is the did-you-mean order (the first of equally near keys wins).
export const TOP_LEVEL: KwTable<MapState> = {
  scope: 'top',
  blockCheck: 'none',
  rows: [
    supported('global_defs', (s, m, t) => dispatch(GLOBAL_DEFS, t.needBlock(s), m.globals, t, 'global_defs'), true),
    supported('vrrp_script', (s, m, t) => mapScript(s, m.scripts, t), true),
    supported('vrrp_instance', (s, m, t) => mapInstance(s, m.raws, t), true),
    supported('vrrp_sync_group', (s, m, t) => mapSyncGroup(s, m.groups, t), true),
    supported('track_file', (s, m, t) => mapTrackFile(s, m.trackFiles, t), true),
    supported('vrrp_track_file', (s, m, t) => mapTrackFile(s, m.trackFiles, t), true),
    ...unsupported<MapState>(OUT_OF_SCOPE, (k) => `section '${k}' is outside halb's VRRP scope; ignored`),
  ],
};

/** Every keyword table of keepalived.conf, for the test that proves each row reachable. */
export const KEYWORD_TABLES: readonly KwTable<never>[] = [TOP_LEVEL, GLOBAL_DEFS, VRRP_SCRIPT, TRACK_FILE, VRRP_INSTANCE, AUTHENTICATION, VRRP_SYNC_GROUP] as readonly KwTable<never>[];

/** `trace` sees every keyword row the dispatcher runs (scope, keyword): tests use it to prove
 * every row reachable. */
export function mapKeepalived(stmts: readonly Stmt[], diags: Diagnostics, trace?: (scope: string, keyword: string) => void): VrrpConfig | undefined {
  const errorsBefore = diags.errors().length;
  const t: MapTools = makeTools(diags, trace);
  const m: MapState = { globals: newGlobalDefs(), scripts: new Map(), trackFiles: new Map(), raws: [], groups: [] };
  dispatch(TOP_LEVEL, stmts, m, t, 'the top level');
  applyMinGarp(m.globals);

  const groupOf = resolveMembership(m.groups, m.raws, t);
  const ctx = { t, globals: m.globals, scripts: m.scripts, trackFiles: m.trackFiles, groupOf };
  const instances: VrrpInstance[] = [];
  for (const r of m.raws) {
    const inst = completeInstance(r, ctx);
    if (inst) instances.push(inst);
  }
  const syncGroups = syncGroupsOf(m.groups, instances, t);

  const strip = <T extends { tok: Token }>(x: T): Omit<T, 'tok'> => {
    const { tok: _t, ...rest } = x;
    return rest;
  };
  const g = m.globals;
  const cfg: VrrpConfig = {
    globals: {
      ...(g.routerId !== undefined ? { routerId: g.routerId } : {}),
      enableScriptSecurity: g.enableScriptSecurity,
      ...(g.scriptUser ? { scriptUser: g.scriptUser } : {}),
      garp: g.garp,
    },
    scripts: [...m.scripts.values()].map(strip),
    trackFiles: [...m.trackFiles.values()].map(strip),
    instances,
    syncGroups,
  };
  // The model-wide checks, shared with halb.yaml (config/validate-vrrp.ts).
  const first = stmts[0]?.keyword;
  const fallback = first ? t.pos(first) : { file: 'keepalived.conf', line: 1 };
  validateVrrp(cfg, diags, modelLocator(cfg, fallback, KEEPALIVED_DIRECTIVES), { instance: 'vrrp_instance', vrid: 'virtual_router_id' });
  if (diags.errors().length > errorsBefore) return undefined;
  return cfg;
}

/** keepalived.conf's names for the model fields validate-vrrp.ts reports on. */
const KEEPALIVED_DIRECTIVES: Readonly<Record<string, string>> = {
  scripts: 'vrrp_script',
  trackFiles: 'track_file',
  instances: 'vrrp_instance',
  syncGroups: 'vrrp_sync_group',
  vrid: 'virtual_router_id',
  trackScripts: 'track_script',
  virtualAddresses: 'virtual_ipaddress',
  version: 'version',
  advertInt: 'advert_int',
  auth: 'authentication',
  unicastSrcIp: 'unicast_src_ip',
  unicastPeers: 'unicast_peer',
  members: 'group',
};
