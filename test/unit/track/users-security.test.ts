import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGroup, parsePasswd, resolveScriptUser, type UserDb } from '../../../src/track/users.js';
import { checkScriptSecurity, type SecurityFs, type StatLike } from '../../../src/track/script-security.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/:/usr/sbin/nologin\nkeepalived_script:x:998:998::/:/bin/false\n';
const GROUP = 'root:x:0:\nnogroup:x:65534:\nstaff:x:50:alice\n';

function db(passwd: string): UserDb {
  const u = parsePasswd(passwd),
    g = parseGroup(GROUP);
  return { user: (n) => u.get(n), group: (n) => g.get(n) };
}

test('script user: configured user and group, default keepalived_script, else root with a warning', () => {
  const root = { uid: 0, gid: 0 };
  assert.deepEqual(resolveScriptUser(db(PASSWD), { user: 'nobody', group: 'staff' }, root), { ok: true, ids: { uid: 65534, gid: 50 }, name: 'nobody:staff' });
  assert.deepEqual(resolveScriptUser(db(PASSWD), undefined, root), { ok: true, ids: { uid: 998, gid: 998 }, name: 'keepalived_script' });
  const noKs = resolveScriptUser(db(PASSWD.split('\n').slice(0, 2).join('\n')), undefined, root);
  assert.ok(noKs.ok && noKs.ids.uid === 0 && noKs.warning);
  assert.deepEqual(resolveScriptUser(db(PASSWD), { user: 'ghost' }, root), { ok: false, reason: "script user 'ghost' does not exist" });
  assert.equal(resolveScriptUser(db(PASSWD), { user: 'nobody', group: 'ghosts' }, root).ok, false);
});

function fakeFs(entries: Record<string, { uid?: number; gid?: number; mode: number; dir?: boolean }>): SecurityFs {
  const st = (p: string): StatLike | undefined => {
    const e = entries[p];
    if (!e) return undefined;
    return { uid: e.uid ?? 0, gid: e.gid ?? 0, mode: e.mode, isDirectory: () => !!e.dir, isFile: () => !e.dir, isSymbolicLink: () => false };
  };
  return { lstat: st, stat: st, realpath: (p) => (entries[p] ? p : undefined), executable: (p) => !!entries[p] && !entries[p]!.dir };
}

const TREE = {
  '/': { mode: 0o755, dir: true },
  '/etc': { mode: 0o755, dir: true },
  '/etc/keepalived': { mode: 0o755, dir: true },
  '/etc/keepalived/ok.sh': { mode: 0o755 },
  '/etc/keepalived/ww.sh': { mode: 0o777 },
  '/etc/keepalived/gw.sh': { mode: 0o775, gid: 50 },
  '/tmp': { mode: 0o1777, dir: true },
  '/tmp/s.sh': { mode: 0o755 },
  '/home': { mode: 0o755, dir: true },
  '/home/bob': { mode: 0o755, dir: true, uid: 1000 },
  '/home/bob/s.sh': { mode: 0o755 },
};

test('script security: root-run scripts must be root-owned and not writable by others along the path', () => {
  const fs = fakeFs(TREE);
  const root = { uid: 0, gid: 0 };
  assert.deepEqual(checkScriptSecurity(fs, '/etc/keepalived/ok.sh', root, true), { ok: true, path: '/etc/keepalived/ok.sh' });
  const ww = checkScriptSecurity(fs, '/etc/keepalived/ww.sh', root, true);
  assert.equal(ww.ok, false);
  assert.match(!ww.ok ? ww.reason : '', /writable by everyone/);
  assert.match(checkScriptSecurity(fs, '/etc/keepalived/gw.sh', root, true).ok ? '' : 'refused', /refused/);
  // Sticky world-writable directory (/tmp) is fine, as in keepalived.
  assert.equal(checkScriptSecurity(fs, '/tmp/s.sh', root, true).ok, true);
  const bob = checkScriptSecurity(fs, '/home/bob/s.sh', root, true);
  assert.match(!bob.ok ? bob.reason : '', /owned by uid 1000/);
  // Without enable_script_security it runs, flagged insecure.
  const lax = checkScriptSecurity(fs, '/etc/keepalived/ww.sh', root, false);
  assert.ok(lax.ok && lax.insecure);
  // Not run as root: no escalation possible, no check (keepalived checks root-run scripts only).
  assert.equal(checkScriptSecurity(fs, '/etc/keepalived/ww.sh', { uid: 998, gid: 998 }, true).ok, true);
  // Bare names are searched in PATH.
  assert.deepEqual(checkScriptSecurity(fs, 'ok.sh', root, true, '/usr/bin:/etc/keepalived'), { ok: true, path: '/etc/keepalived/ok.sh' });
  assert.equal(checkScriptSecurity(fs, 'missing', root, true, '/etc/keepalived').ok, false);
});
