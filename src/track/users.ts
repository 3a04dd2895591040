// User and group names -> ids for scripts (`script_user`, `user`, `notify_* S user group`).
// Node has no getpwnam, so the adapter reads /etc/passwd and /etc/group; parsing is pure.
// Default user as keepalived (lib/notify.c get_default_script_user): keepalived_script if
// it exists, else the daemon's own user (root) — which keepalived warns about.

import { readFileSync } from 'node:fs';
import type { ScriptUser } from '../config/model-vrrp.js';

export interface Ids {
  readonly uid: number;
  readonly gid: number;
}

export interface UserDb {
  user(name: string): Ids | undefined;
  group(name: string): number | undefined;
}

export function parsePasswd(text: string): Map<string, Ids> {
  const m = new Map<string, Ids>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || line.startsWith('#')) continue;
    const uid = Number(f[2]),
      gid = Number(f[3]);
    if (Number.isInteger(uid) && Number.isInteger(gid) && !m.has(f[0]!)) m.set(f[0]!, { uid, gid });
  }
  return m;
}

export function parseGroup(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || line.startsWith('#')) continue;
    const gid = Number(f[2]);
    if (Number.isInteger(gid) && !m.has(f[0]!)) m.set(f[0]!, gid);
  }
  return m;
}

export function etcUserDb(passwdPath = '/etc/passwd', groupPath = '/etc/group'): UserDb {
  const read = (p: string): string => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return '';
    }
  };
  const users = parsePasswd(read(passwdPath));
  const groups = parseGroup(read(groupPath));
  return { user: (n) => users.get(n) ?? (/^\d+$/.test(n) ? { uid: Number(n), gid: Number(n) } : undefined), group: (n) => groups.get(n) ?? (/^\d+$/.test(n) ? Number(n) : undefined) };
}

export type ResolvedUser = { readonly ok: true; readonly ids: Ids; readonly name: string; readonly warning?: string } | { readonly ok: false; readonly reason: string };

/** Resolve a configured user, or the default one when `u` is undefined. */
export function resolveScriptUser(db: UserDb, u: ScriptUser | undefined, self: Ids): ResolvedUser {
  if (!u) {
    const ks = db.user('keepalived_script');
    if (ks) return { ok: true, ids: ks, name: 'keepalived_script' };
    return {
      ok: true,
      ids: self,
      name: self.uid === 0 ? 'root' : String(self.uid),
      ...(self.uid === 0 ? { warning: "no 'keepalived_script' user and no script_user: scripts run as root (as keepalived does); set script_user" } : {}),
    };
  }
  const ids = db.user(u.user);
  if (!ids) return { ok: false, reason: `script user '${u.user}' does not exist` };
  if (u.group === undefined) return { ok: true, ids, name: u.user };
  const gid = db.group(u.group);
  if (gid === undefined) return { ok: false, reason: `script group '${u.group}' does not exist` };
  return { ok: true, ids: { uid: ids.uid, gid }, name: `${u.user}:${u.group}` };
}
