// One example per section of docs/halb-yaml.md. Together they show every key of the schema: the
// unit test (test/unit/config/reference.test.ts) checks that each one passes the schema and that
// no key is left without an example. Addresses are documentation ranges. Pure module.

export interface ReferenceExample {
  /** Path of the section: a top-level key, or a key under `vrrp`. */
  readonly section: string;
  readonly summary: string;
  /** A halb.yaml fragment, valid on its own. */
  readonly yaml: string;
}

export const REFERENCE_EXAMPLES: readonly ReferenceExample[] = [
  {
    section: 'global',
    summary: 'Process-wide settings (HAProxy `global`).',
    yaml: `
global:
  maxconn: 20000
  statsSocket: { path: /run/halb/admin.sock, level: admin }
`,
  },
  {
    section: 'frontends',
    summary: 'Where clients connect (HAProxy `frontend`, or the front half of `listen`).',
    yaml: `
frontends:
  - name: web
    mode: http
    binds: ["*:80", "[::]:80", { address: 192.0.2.10, port: 8080 }]
    defaultBackend: web
    maxconn: 10000
    timeouts: { client: 30s, httpRequest: 10s, httpKeepAlive: 5s, connect: 5s, server: 30s, check: 2s, queue: 30s, tunnel: 1h }
    forwardFor: { except: 127.0.0.0/8, header: X-Real-IP }
    httpServerClose: false
    log: { httplog: true, tcplog: false, dontlognull: true }
    errorFiles: { "503": /etc/halb/errors/503.http }
`,
  },
  {
    section: 'backends',
    summary: 'Server pools and how they are balanced and checked (HAProxy `backend`, or the back half of `listen`).',
    yaml: `
backends:
  - name: web
    mode: http
    balance: roundrobin
    retries: 3
    redispatch: true
    allBackups: false
    httpServerClose: false
    forwardFor: { header: X-Forwarded-For, except: 10.0.0.0/8 }
    errorFiles: { "502": /etc/halb/errors/502.http }
    timeouts: { connect: 5s, server: 30s, check: 2s, client: 30s, httpRequest: 10s, httpKeepAlive: 5s, queue: 30s, tunnel: 1h }
    healthCheck:
      type: http
      method: GET
      uri: /healthz
      version: HTTP/1.1
      host: www.example.com
      expect: { kind: status, value: "200", negate: false }
    servers:
      - name: web1
        address: 192.0.2.11
        port: 8080
        weight: 10
        check: true
        inter: 2s
        fastinter: 500ms
        downinter: 5s
        rise: 2
        fall: 3
        maxconn: 500
        maxqueue: 200
      - { name: web2, address: web2.example.com, port: 8080, check: true, resolvers: dns, initAddr: [last, libc, 192.0.2.12] }
      - { name: spare, address: 192.0.2.13, port: 8080, backup: true, disabled: false, check: true }
  - name: db
    balance: { algo: source, hashType: consistent }
    healthCheck:
      type: tcp-check
      steps:
        - { kind: connect, port: 5432, ssl: false }
        - { kind: send-binary, hex: "0000000804d2162f" }
        - { kind: expect, match: binary, pattern: "4e" }
        - { kind: send, data: "PING\\r\\n" }
        - { kind: expect, match: string, pattern: "+PONG", negate: false }
    servers:
      - { name: db1, address: 192.0.2.21, port: 5432, check: true, checkPort: 5433 }
  - name: api
    balance: leastconn
    healthCheck: { type: ssl-hello }
    servers:
      - { name: api1, address: 192.0.2.31, port: 443, check: true, checkSsl: true, verify: none }
  - name: plain
    healthCheck: { type: tcp }
    servers:
      - { name: p1, address: 192.0.2.41, port: 25, check: true }
`,
  },
  {
    section: 'resolvers',
    summary: 'DNS servers for servers given by host name (HAProxy `resolvers`).',
    yaml: `
resolvers:
  - name: dns
    nameservers:
      - { name: ns1, address: 192.0.2.53, port: 53 }
    resolveRetries: 3
    timeoutRetry: 1s
    hold: { valid: 10s, nx: 30s, other: 30s, refused: 30s, timeout: 30s }
`,
  },
  {
    section: 'stats',
    summary: 'Admin HTTP listeners: Prometheus metrics and a JSON status (HAProxy `listen stats`).',
    yaml: `
stats:
  - name: stats
    binds: ["127.0.0.1:8404", { address: "::1", port: 8404 }]
    uri: /stats
    auth: [{ user: ops, password: secret }]
    refresh: 10s
    hideVersion: true
    timeouts: { client: 30s, httpRequest: 10s, httpKeepAlive: 5s }
`,
  },
  {
    section: 'vrrp',
    summary: "Virtual IPs held by VRRP (keepalived). `vrrp.globals` is keepalived's `global_defs`.",
    yaml: `
vrrp:
  globals:
    routerId: lb1
    enableScriptSecurity: true
    scriptUser: { user: keepalived_script, group: keepalived_script }
    garp:
      masterDelay: 5s
      masterRepeat: 5
      masterRefresh: 60s
      masterRefreshRepeat: 1
      lowerPriorityDelay: 5s
      lowerPriorityRepeat: 5
      interval: 0
      naInterval: 0
`,
  },
  {
    section: 'vrrp.scripts',
    summary: "Health scripts whose result moves an instance's priority or puts it in FAULT (keepalived `vrrp_script`).",
    yaml: `
vrrp:
  scripts:
    - name: chk_haproxy
      script: /usr/local/bin/check-lb.sh
      interval: 2s
      timeout: 1s
      fall: 2
      rise: 2
      weight: -20
      weightReverse: false
      user: { user: nobody, group: nogroup }
      initFail: true
`,
  },
  {
    section: 'vrrp.trackFiles',
    summary: "Files holding a number that moves an instance's priority (keepalived `vrrp_track_file`).",
    yaml: `
vrrp:
  trackFiles:
    - name: maintenance
      path: /run/halb/maintenance
      weight: 1
      weightReverse: false
      init: { value: 0, overwrite: false }
`,
  },
  {
    section: 'vrrp.instances',
    summary: 'One VRRP router per virtual router ID and interface (keepalived `vrrp_instance`).',
    yaml: `
vrrp:
  instances:
    - name: VI_1
      interface: eth0
      vrid: 51
      priority: 150
      initialState: MASTER
      advertInt: 1s
      version: 2
      family: 4
      nopreempt: false
      preemptDelay: 0
      unicastSrcIp: 192.0.2.2
      unicastPeers: [192.0.2.3]
      auth: { type: PASS, password: secret }
      virtualAddresses:
        - 192.0.2.10/24
        - { address: 192.0.2.11/24, dev: eth0, label: eth0:vip, broadcast: "+", scope: global }
      virtualAddressesExcluded:
        - { address: 198.51.100.10/24, dev: eth1, label: eth1:vip, broadcast: "-", scope: site }
      trackScripts: [chk_haproxy, { name: chk_backends, weight: -10, reverse: false }]
      trackInterfaces: [{ name: eth1, weight: -30, reverse: false }]
      trackFiles: [{ name: maintenance, weight: -50, reverse: true }]
      checksumPseudoHeader: true
      dontTrackPrimary: false
      garp: { masterDelay: 2s, masterRepeat: 3, masterRefresh: 30s, masterRefreshRepeat: 2, lowerPriorityDelay: 2s, lowerPriorityRepeat: 3, interval: 10ms, naInterval: 10ms }
      notify:
        master: /etc/halb/notify.sh master
        backup: /etc/halb/notify.sh backup
        fault: /etc/halb/notify.sh fault
        stop: /etc/halb/notify.sh stop
        any: /etc/halb/notify.sh
        users:
          master: { user: halb, group: halb }
          backup: { user: halb, group: halb }
          fault: { user: halb, group: halb }
          stop: { user: halb, group: halb }
          any: { user: halb, group: halb }
`,
  },
  {
    section: 'vrrp.syncGroups',
    summary: 'Instances that change state together (keepalived `vrrp_sync_group`).',
    yaml: `
vrrp:
  syncGroups:
    - name: G1
      members: [VI_1, VI_2]
      notify:
        master: /etc/halb/group.sh master
        backup: /etc/halb/group.sh backup
        fault: /etc/halb/group.sh fault
        stop: /etc/halb/group.sh stop
        any: /etc/halb/group.sh
        users:
          master: { user: halb, group: halb }
          backup: { user: halb, group: halb }
          fault: { user: halb, group: halb }
          stop: { user: halb, group: halb }
          any: { user: halb, group: halb }
`,
  },
];
