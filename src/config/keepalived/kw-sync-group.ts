// vrrp_sync_group rows (keepalived/vrrp/vrrp_parser.c). Membership and group tracking are
// resolved against the instances afterwards (instance-complete.ts).

import type { Token } from './lexer.js';
import { type NotifyHolder, type TrackEntry, notifyRows, trackEntries } from './kw-lists.js';
import { type KwTable, dispatch, ignored, supported, unsupported } from './kw-table.js';
import type { MapTools } from './kw-tools.js';
import type { Stmt } from './parse.js';

export interface RawGroup extends NotifyHolder {
  name: string;
  tok: Token;
  members: { name: string; tok: Token }[];
  trackScripts: TrackEntry[];
  trackInterfaces: TrackEntry[];
  trackFiles: TrackEntry[];
  trackingWeight: boolean;
}

// The row order is the did-you-mean order (the first of equally near keys wins).
export const VRRP_SYNC_GROUP: KwTable<RawGroup> = {
  scope: 'vrrp_sync_group',
  blockCheck: 'none',
  rows: [
    supported('group', (s, g, t) => {
      for (const m of t.needBlock(s)) {
        t.noBlock(m);
        g.members.push({ name: m.keyword.text, tok: m.keyword });
        for (const extra of m.args) g.members.push({ name: extra.text, tok: extra });
      }
    }),
    ...notifyRows<RawGroup>(),
    supported('track_interface', (s, g, t) => {
      g.trackInterfaces.push(...trackEntries(s, t, -253, 253, false));
    }),
    supported('track_script', (s, g, t) => {
      g.trackScripts.push(...trackEntries(s, t, -253, 253, true));
    }),
    supported('track_file', (s, g, t) => {
      g.trackFiles.push(...trackEntries(s, t, -254, 254, true));
    }),
    supported('sync_group_tracking_weight', (_s, g) => {
      g.trackingWeight = true;
    }),
    ...ignored<RawGroup>(['smtp_alert', 'global_tracking', 'notify_priority_changes']),
    ...unsupported<RawGroup>(['track_process', 'track_bfd', 'notify_deleted']),
  ],
};

export function mapSyncGroup(s: Stmt, groups: RawGroup[], t: MapTools): void {
  const nameTok = s.args[0];
  if (!nameTok) {
    t.err(s.keyword, 'needs a name');
    return;
  }
  if (groups.some((g) => g.name === nameTok.text)) {
    t.err(nameTok, `vrrp_sync_group '${nameTok.text}' is defined twice`, undefined, 'vrrp_sync_group');
    return;
  }
  const g: RawGroup = { name: nameTok.text, tok: nameTok, members: [], notify: {}, users: {}, trackScripts: [], trackInterfaces: [], trackFiles: [], trackingWeight: false };
  dispatch(VRRP_SYNC_GROUP, t.needBlock(s), g, t, `vrrp_sync_group '${nameTok.text}'`);
  groups.push(g);
}
