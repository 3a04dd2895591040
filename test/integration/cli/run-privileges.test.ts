// `halb run` without the privileges its config needs refuses to start, naming the capability,
// the feature and its file:line, before anything is half-started: no listener, no VIP
// bookkeeping. Privileges are dropped for real with setpriv (util-linux): as nobody, and as root
// without the network capabilities (a container's situation). Needs root to drop from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHalb } from '../../helpers/halb-cli.js';

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to drop privileges from';
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'setpriv (util-linux) is not installed';
  }
  return undefined;
}
const skip = skipReason();

/** A free privileged port on 127.0.0.1 (we are root here), released before halb runs. */
async function freeLowPort(): Promise<number> {
  for (let port = 990; port > 900; port--) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error('no free port in 901-990');
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

/** Only config diagnostics were logged: no service logged a start (listening, VRRP, warm-up). */
function onlyConfigLines(stdout: string): void {
  const events = stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { event?: string }).event);
  assert.deepEqual(
    events.filter((e) => e !== 'config_diagnostic'),
    [],
    stdout,
  );
}

function setup(t: { after: (fn: () => void) => void }, port: number): { dir: string; file: string; runDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'halb-priv-'));
  chmodSync(dir, 0o755);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'halb.yaml');
  writeFileSync(
    file,
    `frontends:
  - name: web
    binds: ["127.0.0.1:${port}"]
    defaultBackend: app
    timeouts: { client: 30s }
backends:
  - name: app
    timeouts: { connect: 1s, server: 30s }
    servers:
      - { name: a, address: 127.0.0.1, port: 9 }
vrrp:
  instances:
    - name: VI_1
      interface: lo
      vrid: 51
      priority: 100
      virtualAddresses: [192.0.2.10/24]
`,
  );
  chmodSync(file, 0o644);
  // Root-owned and 0755: nobody cannot create the state file inside.
  const runDir = join(dir, 'run');
  return { dir, file, runDir };
}

const AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--inh-caps=-all'];
const ROOT_NO_NET_CAPS = ['setpriv', '--inh-caps=-all', '--bounding-set=-net_raw,-net_admin,-net_bind_service'];

test('as nobody: every missing privilege named with its file:line, exit 1, nothing started', { skip }, async (t) => {
  const port = await freeLowPort();
  const { file, runDir } = setup(t, port);
  const r = await runHalb(['run', '-c', file, '--run-dir', runDir, '--no-warmup'], { prefix: AS_NOBODY });
  assert.equal(r.code, 1, r.stderr);
  const expect = [
    `${file}:3:13: error: bind 127.0.0.1:${port} (frontend web) needs CAP_NET_BIND_SERVICE: ports below 1024 (net.ipv4.ip_unprivileged_port_start) are privileged`,
    `${file}:13:7: error: VRRP instance VI_1 needs CAP_NET_RAW and CAP_NET_ADMIN (missing: CAP_NET_RAW, CAP_NET_ADMIN): run as root or grant them`,
    `${file}:13:7: error: VRRP keeps its VIP bookkeeping in ${runDir}, which this process cannot write (EACCES)`,
  ];
  for (const e of expect) assert.ok(r.stderr.includes(e), `expected "${e}" in:\n${r.stderr}`);
  onlyConfigLines(r.stdout);
  assert.ok(await refused(port), `nothing listens on ${port}`);
  assert.ok(!existsSync(runDir), 'no VIP bookkeeping written');

  // `halb check` as the same user reports the same as warnings: it may not be the daemon's user.
  const c = await runHalb(['check', '-c', file, '--run-dir', runDir], { prefix: AS_NOBODY });
  assert.equal(c.code, 0, c.stderr);
  assert.ok(c.stderr.includes(`${file}:13:7: warning: VRRP instance VI_1 needs CAP_NET_RAW and CAP_NET_ADMIN`), c.stderr);
  assert.match(c.stdout, /node checks \(this host, uid 65534\): .*3 problem\(s\) above/);
});

test('root without the network capabilities (as in a container): uid 0 is not enough', { skip }, async (t) => {
  const port = await freeLowPort();
  const { file, runDir } = setup(t, port);
  const r = await runHalb(['run', '-c', file, '--run-dir', runDir, '--no-warmup'], { prefix: ROOT_NO_NET_CAPS });
  assert.equal(r.code, 1, r.stderr);
  const errors = r.stderr.split('\n').filter((l) => l.includes(': error: '));
  assert.deepEqual(
    errors.map((l) => l.replace(/ \(run as root.*| run as root.*/, '')),
    [
      `${file}:3:13: error: bind 127.0.0.1:${port} (frontend web) needs CAP_NET_BIND_SERVICE: ports below 1024 (net.ipv4.ip_unprivileged_port_start) are privileged`,
      `${file}:13:7: error: VRRP instance VI_1 needs CAP_NET_RAW and CAP_NET_ADMIN (missing: CAP_NET_RAW, CAP_NET_ADMIN):`,
    ],
  );
  onlyConfigLines(r.stdout);
  assert.ok(await refused(port), `nothing listens on ${port}`);
  assert.ok(!existsSync(runDir), 'no VIP bookkeeping written');
});
