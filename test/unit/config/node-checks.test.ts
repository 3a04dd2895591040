// The node-local checks as a pure function: config model + facts about the host -> diagnostics
// with file:line. No /proc, no sockets: the facts are values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAPABILITIES, hasCap, nodeChecks, parseCapEff, parseProcNetTcp, type Capability, type FileStatus, type NodeFacts } from '../../../src/config/node-checks.js';
import { formatDiagnostic, type Diagnostic } from '../../../src/config/diagnostics.js';
import { yamlFull } from './helpers.js';

const ALL_CAPS = 0x1ffffffffffn; // root in the init namespace: every bit set
const mask = (...caps: Capability[]): bigint => caps.reduce((m, c) => m | (1n << BigInt(CAPABILITIES[c])), 0n);

function facts(over: Partial<NodeFacts> = {}, programs: Record<string, FileStatus> = {}): NodeFacts {
  return {
    capEff: ALL_CAPS,
    uid: 0,
    unprivilegedPortStart: 1024,
    interfaces: new Set(['lo', 'eth0']),
    localAddresses: new Set(['127.0.0.1', '::1', '192.0.2.5']),
    nonlocalBind: { v4: false, v6: false },
    runDir: { path: '/run/halb', writable: true },
    program: (p) => programs[p] ?? 'ok',
    ...over,
  };
}

const CONFIG = `frontends:
  - name: web
    binds: ["192.0.2.5:80", "198.51.100.7:8080", "10.0.0.10:443"]
    defaultBackend: app
backends:
  - name: app
    servers:
      - { name: a, address: 127.0.0.1, port: 9000 }
vrrp:
  scripts:
    - { name: chk, script: "/usr/local/bin/check_app.sh --quick", interval: 2s }
  instances:
    - name: VI_1
      interface: eth9
      vrid: 51
      priority: 100
      virtualAddresses: [10.0.0.10/24, { address: 10.0.1.10/24, dev: eth8 }]
      trackScripts: [{ name: chk }]
      trackInterfaces: [{ name: bond1 }]
      notify: { master: /etc/halb/to-master.sh }
`;

function load(text = CONFIG) {
  const r = yamlFull(text);
  assert.ok(r.config, r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.config;
}

const lines = (ds: readonly Diagnostic[]): string[] => ds.map(formatDiagnostic);

test('parseCapEff reads the effective mask; hasCap tests one bit', () => {
  const status = 'Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t0000000000003000\nCapBnd:\t000001ffffffffff\n';
  const m = parseCapEff(status);
  assert.equal(m, 0x3000n);
  assert.ok(hasCap(m, 'CAP_NET_ADMIN') && hasCap(m, 'CAP_NET_RAW'));
  assert.ok(!hasCap(m, 'CAP_NET_BIND_SERVICE'));
  assert.equal(parseCapEff('Name: x\n'), 0n);
});

test('everything present: no diagnostic', () => {
  const ok = load(
    CONFIG.replace('eth9', 'eth0')
      .replace(', { address: 10.0.1.10/24, dev: eth8 }', '')
      .replace('trackInterfaces: [{ name: bond1 }]', 'trackInterfaces: []')
      .replace(', "198.51.100.7:8080", "10.0.0.10:443"', ''),
  );
  assert.deepEqual(lines(nodeChecks(ok, facts(), { privilegeSeverity: 'error' })), []);
});

test('missing interfaces, non-local binds and missing or non-executable programs, each at its line', () => {
  const ds = nodeChecks(load(), facts({}, { '/usr/local/bin/check_app.sh': 'missing', '/etc/halb/to-master.sh': 'not-executable' }), { privilegeSeverity: 'error' });
  assert.deepEqual(lines(ds), [
    "halb.yaml:3:29: error: bind 198.51.100.7:8080 (frontend web): 198.51.100.7 is not an address of this node (use one of this node's addresses, or set sysctl net.ipv4.ip_nonlocal_bind=1)",
    'halb.yaml:3:50: error: bind 10.0.0.10:443 (frontend web): 10.0.0.10 is not an address of this node (it is a VRRP virtual address: set sysctl net.ipv4.ip_nonlocal_bind=1 so it can be bound before this node becomes master)',
    "halb.yaml:11:7: error: vrrp_script chk: '/usr/local/bin/check_app.sh' does not exist",
    "halb.yaml:13:7: error: VRRP instance VI_1: interface 'eth9' does not exist on this node (interfaces here: eth0, lo)",
    "halb.yaml:13:7: warning: VRRP instance VI_1 tracks interface 'bond1', which does not exist on this node now (interfaces here: eth0, lo)",
    "halb.yaml:13:7: error: VRRP instance VI_1 notify_master: '/etc/halb/to-master.sh' is not executable (chmod +x /etc/halb/to-master.sh)",
    "halb.yaml:17:40: error: VRRP instance VI_1: virtual address 10.0.1.10 names interface 'eth8', which does not exist on this node (interfaces here: eth0, lo)",
  ]);
});

test('at halb run a missing or non-executable program is a warning: keepalived starts on the same file', () => {
  const ds = nodeChecks(load(), facts({}, { '/usr/local/bin/check_app.sh': 'missing', '/etc/halb/to-master.sh': 'not-executable' }), { privilegeSeverity: 'error', scriptSeverity: 'warning' });
  const progs = lines(ds).filter((l) => /check_app|to-master/.test(l));
  assert.deepEqual(progs, [
    "halb.yaml:11:7: warning: vrrp_script chk: '/usr/local/bin/check_app.sh' does not exist: each run counts as a failure",
    "halb.yaml:13:7: warning: VRRP instance VI_1 notify_master: '/etc/halb/to-master.sh' is not executable: that notification is not delivered (chmod +x /etc/halb/to-master.sh)",
  ]);
});

test('ip_nonlocal_bind allows binds to absent addresses; 127.0.0.0/8 is always local', () => {
  const cfg = load(CONFIG.replace('"192.0.2.5:80"', '"127.0.0.2:80"'));
  const ds = nodeChecks(cfg, facts({ nonlocalBind: { v4: true, v6: false } }), { privilegeSeverity: 'error' });
  assert.deepEqual(
    ds.filter((d) => /bind/.test(d.message)),
    [],
  );
  // Addresses compare by value, not spelling.
  const v6 = load(CONFIG.replace('"192.0.2.5:80"', '"[0:0::1]:8081"').replace(', "198.51.100.7:8080", "10.0.0.10:443"', ''));
  assert.deepEqual(
    nodeChecks(v6, facts(), { privilegeSeverity: 'error' }).filter((d) => /bind/.test(d.message)),
    [],
  );
});

test('a bind on a VIP this node holds now warns that a backup node would fail', () => {
  const cfg = load(CONFIG);
  const ds = nodeChecks(cfg, facts({ localAddresses: new Set(['192.0.2.5', '198.51.100.7', '10.0.0.10']) }), { privilegeSeverity: 'error' });
  const d = ds.find((x) => x.message.startsWith('bind 10.0.0.10:443'));
  assert.equal(d?.severity, 'warning');
  assert.match(d!.hint!, /ip_nonlocal_bind=1/);
});

test('privileges: VRRP needs NET_RAW and NET_ADMIN, low ports NET_BIND_SERVICE, the run dir must be writable', () => {
  const cfg = load(CONFIG.replace('eth9', 'eth0'));
  const noCaps = facts({ capEff: 0n, uid: 65534, runDir: { path: '/run/halb', writable: false, reason: 'EACCES' } });
  const ds = nodeChecks(cfg, noCaps, { privilegeSeverity: 'error' }).filter((d) => /CAP_|run dir|bookkeeping/.test(d.message));
  assert.deepEqual(lines(ds), [
    'halb.yaml:3:13: error: bind 192.0.2.5:80 (frontend web) needs CAP_NET_BIND_SERVICE: ports below 1024 (net.ipv4.ip_unprivileged_port_start) are privileged (run as root, grant CAP_NET_BIND_SERVICE, or bind a higher port)',
    'halb.yaml:3:50: error: bind 10.0.0.10:443 (frontend web) needs CAP_NET_BIND_SERVICE: ports below 1024 (net.ipv4.ip_unprivileged_port_start) are privileged (run as root, grant CAP_NET_BIND_SERVICE, or bind a higher port)',
    'halb.yaml:13:7: error: VRRP instance VI_1 needs CAP_NET_RAW and CAP_NET_ADMIN (missing: CAP_NET_RAW, CAP_NET_ADMIN): run as root or grant them (systemd: AmbientCapabilities=; a container: --cap-add)',
    'halb.yaml:13:7: error: VRRP keeps its VIP bookkeeping in /run/halb, which this process cannot write (EACCES) (run as root, or pass --run-dir DIR with a directory this user can write)',
  ]);
  // Root in a container without CAP_NET_RAW: uid 0 is not enough, the mask decides.
  const rootNoRaw = facts({ capEff: ALL_CAPS & ~mask('CAP_NET_RAW') });
  const vrrp = nodeChecks(cfg, rootNoRaw, { privilegeSeverity: 'error' }).filter((d) => /CAP_/.test(d.message));
  assert.deepEqual(
    vrrp.map((d) => d.message),
    ['VRRP instance VI_1 needs CAP_NET_RAW and CAP_NET_ADMIN (missing: CAP_NET_RAW): run as root or grant them (systemd: AmbientCapabilities=; a container: --cap-add)'],
  );
  // A lowered ip_unprivileged_port_start makes low ports free for everyone.
  const lowered = nodeChecks(cfg, facts({ capEff: mask('CAP_NET_RAW', 'CAP_NET_ADMIN'), unprivilegedPortStart: 80 }), { privilegeSeverity: 'error' });
  assert.deepEqual(
    lowered.filter((d) => /CAP_/.test(d.message)),
    [],
  );
  // halb check reports them as warnings (it may run as another user than the daemon).
  const warned = nodeChecks(cfg, noCaps, { privilegeSeverity: 'warning' }).filter((d) => /CAP_/.test(d.message));
  assert.ok(warned.length > 0, 'the missing capabilities are reported');
  assert.deepEqual([...new Set(warned.map((d) => d.severity))], ['warning']);
});

test('parseProcNetTcp: listening sockets only, IPv4 and IPv6 words in host byte order', () => {
  const v4 = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0
   2: 0100007F:A40B 0100007F:E112 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0
`;
  assert.deepEqual(parseProcNetTcp(v4, 4), [
    { address: '127.0.0.1', port: 8080 },
    { address: '0.0.0.0', port: 80 },
  ]);
  const v6 = `  sl  local_address                         remote_address                        st
   0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000
   1: 000080FE00000000FF005002020303FE:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000
`;
  assert.deepEqual(
    parseProcNetTcp(v6, 6).map((l) => [l.address, l.port]),
    [
      ['0:0:0:0:0:0:0:1', 80],
      ['fe80:0:0:0:250:ff:fe03:302', 443],
    ],
  );
});

test('ports in use (halb check only): a listener on the same port and an overlapping address warns', () => {
  const cfg = load(CONFIG.replace('eth9', 'eth0'));
  const busy = facts({
    listeners: [
      { address: '0.0.0.0', port: 8080 },
      { address: '127.0.0.1', port: 80 },
    ],
  });
  const ds = nodeChecks(cfg, busy, { privilegeSeverity: 'error', portsInUse: true }).filter((d) => /listens/.test(d.message));
  assert.deepEqual(lines(ds), [
    'halb.yaml:3:29: warning: bind 198.51.100.7:8080 (frontend web): another process listens on this port now (a running halb or haproxy?): halb run here would fail with "address already in use"',
  ]);
  // halb run leaves it to the real bind.
  assert.deepEqual(
    nodeChecks(cfg, busy, { privilegeSeverity: 'error' }).filter((d) => /listens/.test(d.message)),
    [],
  );
});
