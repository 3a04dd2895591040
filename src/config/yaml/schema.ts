// halb.yaml schema (zod v4). Strict everywhere: an unknown key is an error. The shape follows
// the model (src/config/model.ts, model-vrrp.ts) key for key, so a zod issue path is also a
// model path. Defaults equal HAProxy's and keepalived's, so a halb.yaml may stay short.
// The published JSON Schema (schema/halb.schema.json) is generated from this file.
// Pure module.
import { z } from 'zod';
import { BALANCE_ALGOS } from '../model.js';
import { DURATION_RE, parseDuration } from '../units.js';
import { ipFamily, isIp, parseBindAddress } from '../address.js';

const DURATION_HELP = 'milliseconds as a number, or a string with a unit: "500ms", "2s", "1m", "1h", "1d", "100us"';

export const duration = z
  .union([z.number().nonnegative(), z.string().regex(DURATION_RE, { error: `expected a duration: ${DURATION_HELP}` })])
  .transform((v, ctx) => {
    if (typeof v === 'number') return v;
    const r = parseDuration(v, { allowDecimal: true });
    if (!r.ok) {
      ctx.issues.push({ code: 'custom', message: r.reason, input: v });
      return z.NEVER;
    }
    return r.value;
  })
  .meta({ description: `A duration: ${DURATION_HELP}` });

const port = z.number().int().min(1).max(65535);
const desc = (text: string) => ({ description: text });
const name = z.string().regex(/^[A-Za-z0-9_.:-]+$/, { error: "a name of letters, digits, '-', '_', '.', ':'" });

const bindObject = z.strictObject({ address: z.string().meta(desc('IP address; 0.0.0.0 or :: for all')), port: port.meta(desc('Port')) });
export const bind = z.union([z.string().meta({ description: '"address:port", "*:port" or "[v6]:port"' }), bindObject]).transform((v, ctx) => {
  const r = typeof v === 'string' ? parseBindAddress(v) : isIp(v.address) ? { ok: true as const, value: v } : { ok: false as const, reason: `bind address '${v.address}' is not an IP address` };
  if (!r.ok) {
    ctx.issues.push({ code: 'custom', message: r.reason, input: v });
    return z.NEVER;
  }
  return { address: r.value.address, port: r.value.port };
});

// A timeout is positive; leaving it out means "no timeout" (HAProxy's 0).
const timeout = (text: string) =>
  duration
    .refine((ms) => ms > 0, { error: 'a timeout must be greater than 0 (leave it out for no timeout)' })
    .optional()
    .meta(desc(text));
const timeouts = z
  .strictObject({
    connect: timeout('HAProxy `timeout connect`: longest wait for a connection to a server; used from the backend'),
    client: timeout('HAProxy `timeout client`: longest client inactivity; used from the frontend'),
    server: timeout('HAProxy `timeout server`: longest server inactivity; used from the backend'),
    check: timeout('HAProxy `timeout check`: how long a connected health check may wait for its answer (`connect` bounds the connection); used from the backend'),
    httpRequest: timeout('HAProxy `timeout http-request`: longest wait for a complete request head (http mode; `client` when unset); used from the frontend'),
    httpKeepAlive: timeout('HAProxy `timeout http-keep-alive`: longest wait for the next request on a kept-alive connection (http mode); used from the frontend'),
    queue: timeout('HAProxy `timeout queue`: longest wait in a server or backend queue before a 503 (`sQ`); default: timeout connect'),
    tunnel: timeout(
      'HAProxy `timeout tunnel`: inactivity limit on both sides instead of client/server, in tcp mode once the server is connected and in http mode after an upgrade (WebSocket); used from the backend',
    ),
  })
  .default({})
  .meta(desc('Timeouts (HAProxy `timeout ...`); a timeout left out means none'));

const forwardFor = z
  .strictObject({
    except: z.string().optional().meta(desc('Network (address/prefix) whose clients get no header, e.g. `127.0.0.0/8` (HAProxy `except`)')),
    header: z.string().default('X-Forwarded-For').meta(desc('Name of the header (HAProxy `header`)')),
  })
  .meta(desc("HAProxy `option forwardfor`: add the client's address to each request (http mode); `{}` for the defaults"));

const errorFiles = z
  .record(z.string().regex(/^\d{3}$/, { error: 'an HTTP status code' }), z.string())
  .default({})
  .meta({ description: "HAProxy `errorfile`: HTTP status code -> path of a file holding a complete HTTP response, sent instead of halb's own (read at load time)" });

const mode = z.enum(['tcp', 'http']).default('tcp').meta(desc('HAProxy `mode`: relay bytes (tcp) or parse HTTP/1.1 requests (http)'));
const httpServerClose = z.boolean().default(false).meta(desc('HAProxy `option http-server-close`: close the server connection after each response (the client side stays kept-alive)'));

export const frontendSchema = z.strictObject({
  name: name.meta(desc('Name of the frontend, unique among frontends (in logs, metrics, status)')),
  mode,
  binds: z.array(bind).meta(desc('Addresses to listen on (HAProxy `bind`): "address:port", "*:port", "[v6]:port" or {address, port}')),
  defaultBackend: z.string().optional().meta(desc('Backend that gets the traffic (HAProxy `default_backend`); must name a backend')),
  timeouts,
  forwardFor: forwardFor.optional(),
  httpServerClose,
  log: z
    .strictObject({
      httplog: z.boolean().default(false).meta(desc('HAProxy `option httplog`: accepted; halb always writes one JSON access line per HTTP request (http mode), whatever this says')),
      tcplog: z.boolean().default(false).meta(desc('HAProxy `option tcplog`: accepted; halb always writes one JSON access line per connection (tcp mode), whatever this says')),
      dontlognull: z.boolean().default(false).meta(desc('HAProxy `option dontlognull`: no access line for connections that carried no data')),
    })
    .default({ httplog: false, tcplog: false, dontlognull: false })
    .meta(desc('Access log options')),
  maxconn: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .meta(desc('HAProxy `maxconn`: most concurrent sessions of this frontend; beyond it the listener pauses and new clients wait in the kernel backlog')),
  errorFiles,
});

const initAddr = z
  .array(z.string())
  .default(['last', 'libc'])
  .transform((list, ctx) =>
    list.map((m) => {
      if (m === 'last' || m === 'libc' || m === 'none') return m;
      if (!isIp(m)) ctx.issues.push({ code: 'custom', message: `init-addr method '${m}' is not last, libc, none or an IP address`, input: m });
      return { ip: m };
    }),
  )
  .meta({ description: 'How to get an address at start: "last", "libc", "none" or an IP, tried in order (HAProxy init-addr)' });

export const serverSchema = z.strictObject({
  name: name.meta(desc('Name of the server, unique in its backend')),
  address: z.string().min(1).meta({ description: 'IP address, or a host name to resolve' }),
  port: port.meta(desc('Port of the server')),
  weight: z.number().int().min(0).max(256).default(1).meta(desc('HAProxy `weight`: share of the traffic relative to the other servers; 0 takes no new traffic')),
  backup: z.boolean().default(false).meta(desc('HAProxy `backup`: used only when no active server is up')),
  disabled: z.boolean().default(false).meta(desc('HAProxy `disabled`: in maintenance, takes no traffic')),
  check: z.boolean().default(false).meta(desc("HAProxy `check`: run the backend's health check against this server")),
  checkPort: port.optional().meta(desc('HAProxy `port`: port the health check connects to (default: the server port)')),
  checkSsl: z.boolean().default(false).meta(desc('HAProxy `check-ssl`: run the health check over TLS')),
  verify: z.enum(['none', 'required']).default('required').meta({ description: 'TLS checks: verify the certificate against the system CA store (required) or not (none)' }),
  inter: duration.default(2000).meta(desc('HAProxy `inter`: time between health checks')),
  fastinter: duration.optional().meta(desc('HAProxy `fastinter`: time between checks while the state is changing (default: inter)')),
  downinter: duration.optional().meta(desc('HAProxy `downinter`: time between checks while the server is down (default: inter)')),
  rise: z.number().int().min(1).default(2).meta(desc('HAProxy `rise`: consecutive successful checks that bring a server up')),
  fall: z.number().int().min(1).default(3).meta(desc('HAProxy `fall`: consecutive failed checks that take a server down')),
  maxconn: z.number().int().nonnegative().optional().meta(desc('HAProxy `maxconn`: most concurrent connections to this server; further requests wait in the queue (timeouts.queue)')),
  maxqueue: z.number().int().nonnegative().optional().meta(desc("HAProxy `maxqueue`: bound of this server's own queue; unset or 0: unbounded (a full queue sends the request to another server)")),
  resolvers: z.string().optional().meta(desc('HAProxy `resolvers`: name of a `resolvers` entry that keeps a host-name address resolved')),
  initAddr,
});

const hexString = z.string().regex(/^([0-9a-fA-F]{2})+$/, { error: 'an even-length hex string' });
const tcpCheckStep = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('connect').meta(desc('Step type (HAProxy `tcp-check connect|send|send-binary|expect`)')),
    port: port.optional().meta(desc('Port to connect to (default: the check port)')),
    ssl: z.boolean().default(false).meta(desc('Connect with TLS')),
  }),
  z.strictObject({ kind: z.literal('send'), data: z.string().meta(desc('Text to send (YAML escapes such as \\r\\n apply)')) }),
  z.strictObject({ kind: z.literal('send-binary'), hex: hexString.transform((s) => s.toLowerCase()).meta(desc('Bytes to send, as hex')) }),
  z.strictObject({
    kind: z.literal('expect'),
    negate: z.boolean().default(false).meta(desc('Succeed when the pattern does not match (HAProxy `!`)')),
    match: z.enum(['string', 'rstring', 'binary']).meta(desc('string: the text occurs; rstring: the regular expression matches; binary: the hex bytes occur')),
    pattern: z.string().meta(desc('What to look for in the data received so far')),
  }),
]);

const httpExpect = z
  .strictObject({
    negate: z.boolean().default(false).meta(desc('Succeed when the status does not match (HAProxy `!`)')),
    kind: z.enum(['status', 'rstatus']).meta(desc('status: the status code equals value; rstatus: it matches the regular expression value')),
    value: z.string().meta(desc('Status code or regular expression')),
  })
  .meta(desc('HAProxy `http-check expect`; default: any 2xx or 3xx status passes'));

export const healthCheckSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z
        .literal('tcp')
        .meta(
          desc(
            'tcp: a connection is enough; tcp-check: a scripted exchange (HAProxy `option tcp-check`); http: an HTTP request (HAProxy `option httpchk`); ssl-hello: an SSLv3/TLS hello gets an answer (HAProxy `option ssl-hello-chk`)',
          ),
        ),
    }),
    z.strictObject({ type: z.literal('tcp-check'), steps: z.array(tcpCheckStep).meta(desc('HAProxy `tcp-check` lines, run in order')) }),
    z.strictObject({
      type: z.literal('http'),
      // HAProxy's `option httpchk` defaults: OPTIONS / HTTP/1.0.
      method: z
        .string()
        .regex(/^[A-Z]+$/)
        .default('OPTIONS')
        .meta(desc('Request method')),
      uri: z
        .string()
        .regex(/^(\/|\*)/, { error: "a URI starting with '/'" })
        .default('/')
        .meta(desc('Request URI')),
      version: z.enum(['HTTP/1.0', 'HTTP/1.1']).default('HTTP/1.0').meta(desc('HTTP version of the request')),
      host: z.string().optional().meta(desc('Host header (HAProxy `http-check send hdr Host`)')),
      expect: httpExpect.optional(),
    }),
    z.strictObject({ type: z.literal('ssl-hello') }),
  ])
  .default({ type: 'tcp' })
  .meta(desc("How servers with `check` are checked; the check's timing is set per server (inter, rise, fall)"));

const balance = z
  .union([
    z.enum(BALANCE_ALGOS),
    z.strictObject({
      algo: z.enum(BALANCE_ALGOS).meta(desc('The algorithm')),
      hashType: z.enum(['map-based', 'consistent']).default('map-based').meta(desc('HAProxy `hash-type`: consistent moves fewer clients when servers come and go')),
    }),
  ])
  .default('roundrobin')
  .transform((b) => (typeof b === 'string' ? { algo: b, hashType: 'map-based' as const } : b))
  .meta(desc('HAProxy `balance`: an algorithm name, or {algo, hashType} (HAProxy `hash-type`, used by source)'));

export const backendSchema = z.strictObject({
  name: name.meta(desc('Name of the backend, unique among backends')),
  mode,
  balance,
  servers: z.array(serverSchema).default([]).meta(desc('HAProxy `server` lines')),
  allBackups: z.boolean().default(false).meta(desc('HAProxy `option allbackups`: when no active server is up, use all backups, not only the first')),
  redispatch: z.boolean().default(false).meta(desc('HAProxy `option redispatch`: a retry after a failed connection goes to another server')),
  retries: z.number().int().min(0).default(3).meta(desc('HAProxy `retries`: connection attempts after the first one fails')),
  timeouts,
  healthCheck: healthCheckSchema,
  forwardFor: forwardFor.optional(),
  httpServerClose,
  errorFiles,
});

export const resolversSchema = z.strictObject({
  name: name.meta(desc('Name that servers refer to with `resolvers`')),
  nameservers: z
    .array(
      z.strictObject({
        name: name.meta(desc('Name of the nameserver')),
        address: z.string().refine(isIp, { error: 'an IP address' }).meta(desc('IP address of the nameserver')),
        port: port.default(53).meta(desc('UDP port of the nameserver')),
      }),
    )
    .meta(desc('HAProxy `nameserver` lines')),
  resolveRetries: z.number().int().min(1).default(3).meta(desc('HAProxy `resolve_retries`: queries sent before giving up')),
  timeoutRetry: duration.default(1000).meta(desc('HAProxy `timeout retry`: wait before sending a query again')),
  hold: z
    .strictObject({
      valid: duration.default(10_000).meta(desc('How long a resolved address is kept before it is resolved again')),
      nx: duration.default(30_000).meta(desc('How long the last address is kept after NXDOMAIN')),
      other: duration.default(30_000).meta(desc('How long the last address is kept after another error')),
      refused: duration.default(30_000).meta(desc('How long the last address is kept after REFUSED')),
      timeout: duration.default(30_000).meta(desc('How long the last address is kept after no answer')),
    })
    .default({ valid: 10_000, nx: 30_000, other: 30_000, refused: 30_000, timeout: 30_000 })
    .meta(desc('HAProxy `hold`')),
});

export const statsSchema = z.strictObject({
  name: name.meta(desc('Name of the stats listener')),
  binds: z.array(bind).meta(desc('Addresses to listen on, as for a frontend; without auth, bind a management address')),
  uri: z.string().startsWith('/').default('/haproxy?stats').meta(desc('HAProxy `stats uri`: the JSON status answers at this prefix (also `;json`, `?format=json`); metrics at /metrics')),
  auth: z
    .array(z.strictObject({ user: z.string().min(1).meta(desc('User name')), password: z.string().meta(desc('Password')) }))
    .default([])
    .meta(desc('HAProxy `stats auth`: HTTP Basic users for every endpoint; empty: open')),
  refresh: duration.optional().meta(desc('HAProxy `stats refresh`: refresh interval suggested to the status page')),
  hideVersion: z.boolean().default(false).meta(desc('HAProxy `stats hide-version`: leave the version out of the status')),
  timeouts: z
    .strictObject({
      client: timeout('HAProxy `timeout client` of the stats section: idle time of an admin client'),
      httpRequest: timeout('HAProxy `timeout http-request` of the stats section: longest wait for a whole request head'),
      httpKeepAlive: timeout('HAProxy `timeout http-keep-alive` of the stats section: longest wait for the next request'),
    })
    .optional()
    .meta(desc("The stats listener's own client-side timeouts, as a frontend's (HAProxy: the stats section's `timeout client`, `timeout http-request`, `timeout http-keep-alive`)")),
});

export const globalSchema = z
  .strictObject({
    maxconn: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta(
        desc(
          'HAProxy global `maxconn`: most concurrent client connections over all frontends (listeners pause beyond it); unset: derived from the file-descriptor limit, as HAProxy does (docs/overload.md)',
        ),
      ),
    statsSocket: z
      .strictObject({ path: z.string().meta(desc('Path of the UNIX socket')), level: z.enum(['user', 'operator', 'admin']).optional().meta(desc('Access level')) })
      .optional()
      .meta(desc('HAProxy `stats socket`: accepted for haproxy.cfg parity; halb opens no admin socket (use a `stats` listener)')),
  })
  .default({})
  .meta(desc('Process-wide settings (HAProxy `global`)'));

// ---- VRRP (keepalived defaults) -------------------------------------------------------------

const userGroup = z.strictObject({
  user: z.string().meta(desc('User to run as')),
  group: z.string().optional().meta(desc("Group to run as (default: the user's group)")),
});

// keepalived: vrrp_garp_master_delay 5, vrrp_garp_master_repeat 5, refresh repeat 1, interval 0.
const garpFields = {
  masterDelay: duration.optional().meta(desc('keepalived vrrp_garp_master_delay: delay of the second burst of gratuitous ARPs after becoming MASTER (5s; 0: none)')),
  masterRepeat: z.number().int().min(1).optional().meta(desc('keepalived vrrp_garp_master_repeat: gratuitous ARPs per burst (5)')),
  masterRefresh: duration.optional().meta(desc('keepalived vrrp_garp_master_refresh: resend gratuitous ARPs this often while MASTER (unset: never)')),
  masterRefreshRepeat: z.number().int().min(1).optional().meta(desc('keepalived vrrp_garp_master_refresh_repeat: gratuitous ARPs per refresh (1)')),
  lowerPriorityDelay: duration.optional().meta(desc('keepalived vrrp_garp_lower_prio_delay: delay of gratuitous ARPs after an advert of lower priority was heard while MASTER')),
  lowerPriorityRepeat: z.number().int().min(1).optional().meta(desc('keepalived vrrp_garp_lower_prio_repeat: gratuitous ARPs sent then')),
  interval: duration.optional().meta(desc('keepalived vrrp_garp_interval: delay between gratuitous ARPs of a burst (0)')),
  naInterval: duration.optional().meta({ description: 'Delay between unsolicited neighbour advertisements (keepalived vrrp_gna_interval)' }),
};
const garp = z.strictObject(garpFields).meta(desc('Gratuitous ARP / unsolicited NA announcements of the VIPs (keepalived vrrp_garp_*)'));

const trackRef = z
  .union([
    z.string(),
    z.strictObject({
      name: z.string().meta(desc('Name of the script, interface or file')),
      weight: z.number().int().min(-253).max(253).optional().meta(desc("Priority change (default: the script's or file's own weight; for an interface: none, so a down interface means FAULT)")),
      reverse: z.boolean().optional().meta(desc('Apply the weight the other way round (keepalived `reverse`)')),
    }),
  ])
  .transform((t) => (typeof t === 'string' ? { name: t } : t));

export const virtualAddress = z
  .union([
    z.string().meta({ description: '"10.0.0.10/24" or "fd00::10/64"; prefix defaults to /32 or /128' }),
    z.strictObject({
      address: z.string().meta(desc('"10.0.0.10/24" or "fd00::10/64"; prefix defaults to /32 or /128')),
      dev: z.string().optional().meta(desc("Interface to add it to (default: the instance's interface)")),
      label: z.string().optional().meta(desc('Address label, e.g. "eth0:vip"')),
      broadcast: z.string().optional().meta({ description: "`brd`: an address, '+' or '-'" }),
      scope: z.enum(['site', 'link', 'host', 'nowhere', 'global']).optional().meta(desc('Address scope (ip addr `scope`)')),
    }),
  ])
  .transform((v, ctx) => {
    const o = typeof v === 'string' ? { address: v } : v;
    const [ip, prefixText, ...rest] = o.address.split('/');
    const family = ipFamily(ip!);
    const max = family === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? max : /^\d+$/.test(prefixText) ? Number(prefixText) : NaN;
    if (family === undefined || rest.length > 0 || !(prefix >= 0 && prefix <= max)) {
      ctx.issues.push({ code: 'custom', message: `'${o.address}' is not an IP address with an optional /prefix`, input: v });
      return z.NEVER;
    }
    // The model keeps the bare address and the prefix apart (as the keepalived loader does).
    return {
      address: ip!,
      prefix,
      family,
      ...('dev' in o && o.dev !== undefined ? { dev: o.dev } : {}),
      ...('label' in o && o.label !== undefined ? { label: o.label } : {}),
      ...('broadcast' in o && o.broadcast !== undefined ? { broadcast: o.broadcast } : {}),
      ...('scope' in o && o.scope !== undefined ? { scope: o.scope } : {}),
    };
  });

const notify = z
  .strictObject({
    master: z.string().optional().meta(desc('keepalived notify_master: command run on becoming MASTER')),
    backup: z.string().optional().meta(desc('keepalived notify_backup: command run on becoming BACKUP')),
    fault: z.string().optional().meta(desc('keepalived notify_fault: command run on entering FAULT')),
    stop: z.string().optional().meta(desc('keepalived notify_stop: command run when halb stops the instance')),
    any: z.string().optional().meta(desc('keepalived notify: command run on every change, with TYPE NAME STATE PRIORITY appended')),
    users: z
      .strictObject({
        master: userGroup.optional().meta(desc('Who runs notify.master')),
        backup: userGroup.optional().meta(desc('Who runs notify.backup')),
        fault: userGroup.optional().meta(desc('Who runs notify.fault')),
        stop: userGroup.optional().meta(desc('Who runs notify.stop')),
        any: userGroup.optional().meta(desc('Who runs notify.any')),
      })
      .optional()
      .meta({ description: 'Who runs each notify script (default: vrrp.globals.scriptUser)' }),
  })
  .default({})
  .meta(desc('Commands run on state changes (keepalived notify_*)'));

export const vrrpInstanceSchema = z.strictObject({
  name: name.meta(desc('Name of the instance (keepalived `vrrp_instance NAME`)')),
  initialState: z.enum(['MASTER', 'BACKUP']).default('BACKUP').meta(desc('keepalived `state`: the state to start in; MASTER is a hint, the election by priority decides')),
  interface: z.string().min(1).meta(desc('keepalived `interface`: where adverts are sent and VIPs added')),
  vrid: z.number().int().min(1).max(255).meta(desc('keepalived `virtual_router_id`: the same on every node of the group, unique on the network')),
  priority: z.number().int().min(1).max(255).default(100).meta(desc('keepalived `priority`: the highest wins the election; 255 is the address owner')),
  advertInt: duration.default(1000).meta(desc('keepalived `advert_int`: time between adverts (VRRPv2: whole seconds)')),
  version: z
    .union([z.literal(2), z.literal(3)])
    .default(2)
    .meta(desc('VRRP version (keepalived `vrrp_version`); 3 allows IPv6 and sub-second adverts')),
  family: z
    .union([z.literal(4), z.literal(6)])
    .optional()
    .meta({ description: 'Derived from the virtual addresses when omitted' }),
  nopreempt: z.boolean().default(false).meta(desc('keepalived `nopreempt`: a higher-priority node that comes back does not take the VIPs from a running MASTER')),
  preemptDelay: duration.default(0).meta(desc('keepalived `preempt_delay`: wait this long after start before preempting')),
  unicastSrcIp: z.string().refine(isIp, { error: 'an IP address' }).optional().meta(desc('keepalived `unicast_src_ip`: source address of unicast adverts')),
  unicastPeers: z
    .array(z.string().refine(isIp, { error: 'an IP address' }))
    .default([])
    .meta(desc('keepalived `unicast_peer`: send adverts to these addresses instead of multicast')),
  auth: z
    .strictObject({
      type: z.literal('PASS').meta(desc('Only simple password authentication (VRRPv2), as keepalived')),
      password: z.string().min(1).max(8).meta(desc('The password; the same on every node')),
    })
    .optional()
    .meta(desc('keepalived `authentication` (VRRPv2 only)')),
  virtualAddresses: z.array(virtualAddress).min(1).meta(desc('keepalived `virtual_ipaddress`: the VIPs, held by the MASTER and announced in adverts')),
  virtualAddressesExcluded: z.array(virtualAddress).default([]).meta(desc('keepalived `virtual_ipaddress_excluded`: added by the MASTER like VIPs, but not listed in adverts')),
  trackScripts: z.array(trackRef).default([]).meta(desc('keepalived `track_script`: names of vrrp.scripts entries, or {name, weight, reverse}')),
  trackInterfaces: z.array(trackRef).default([]).meta(desc('keepalived `track_interface`: interfaces, or {name, weight, reverse}; a down interface means FAULT unless it has a weight')),
  trackFiles: z.array(trackRef).default([]).meta(desc('keepalived `track_file`: names of vrrp.trackFiles entries, or {name, weight, reverse}')),
  notify,
  checksumPseudoHeader: z.boolean().default(true).meta(desc('VRRPv3 over IPv4: checksum over the IP pseudo-header (RFC 5798, the keepalived default), or VRRPv2-style without it (false)')),
  garp: garp.optional().meta({ description: 'Overrides of vrrp.globals.garp for this instance' }),
  dontTrackPrimary: z.boolean().optional().meta({ description: "keepalived dont_track_primary: the instance's own interface going down is not a FAULT" }),
});

export const vrrpSchema = z
  .strictObject({
    globals: z
      .strictObject({
        routerId: z.string().optional().meta(desc('keepalived `router_id`: a name for this node in logs')),
        enableScriptSecurity: z.boolean().default(false).meta(desc('keepalived `enable_script_security`: refuse scripts that a non-root user could change')),
        scriptUser: userGroup.optional().meta(desc('keepalived `script_user`: default user of scripts and notify commands')),
        garp: garp.default({}),
      })
      .default({ enableScriptSecurity: false, garp: {} })
      .meta(desc('keepalived `global_defs`')),
    scripts: z
      .array(
        z.strictObject({
          name: name.meta(desc('Name that instances refer to in trackScripts')),
          script: z.string().min(1).meta(desc('Command line to run; exit 0 is success')),
          interval: duration.default(1000).meta(desc('keepalived `interval`: time between runs')),
          timeout: duration.optional().meta(desc('keepalived `timeout`: a run taking longer fails')),
          fall: z.number().int().min(1).default(1).meta(desc('keepalived `fall`: consecutive failures that make the script failed')),
          rise: z.number().int().min(1).default(1).meta(desc('keepalived `rise`: consecutive successes that make it good again')),
          weight: z.number().int().min(-253).max(253).default(0).meta(desc('keepalived `weight`: priority change while failed (negative) or good (positive); 0: failed means FAULT')),
          weightReverse: z.boolean().default(false).meta(desc('keepalived `weight ... reverse`: apply the weight the other way round')),
          user: userGroup.optional().meta(desc('keepalived `user`: who runs the script (default: vrrp.globals.scriptUser)')),
          initFail: z.boolean().optional().meta({ description: 'keepalived init_fail: start in the failed state' }),
        }),
      )
      .default([])
      .meta(desc('keepalived `vrrp_script` blocks')),
    trackFiles: z
      .array(
        z.strictObject({
          name: name.meta(desc('Name that instances refer to in trackFiles')),
          path: z.string().min(1).meta(desc('File holding an integer')),
          weight: z.number().int().min(-254).max(254).default(1).meta(desc("keepalived `weight`: the priority changes by the file's number times this; 0 with a non-zero number means FAULT")),
          weightReverse: z.boolean().optional().meta(desc('keepalived `weight ... reverse`: apply it the other way round')),
          init: z
            .strictObject({ value: z.number().int().meta(desc('Number to write')), overwrite: z.boolean().default(false).meta(desc('Write it even when the file exists')) })
            .optional()
            .meta({ description: 'keepalived init_file: write value at start if missing (or always with overwrite)' }),
        }),
      )
      .default([])
      .meta(desc('keepalived `vrrp_track_file` entries')),
    instances: z.array(vrrpInstanceSchema).default([]).meta(desc('keepalived `vrrp_instance` blocks')),
    syncGroups: z
      .array(
        z.strictObject({
          name: name.meta(desc('Name of the group')),
          members: z.array(z.string()).min(1).meta(desc('Names of the instances that change state together (keepalived `group`)')),
          notify,
        }),
      )
      .default([])
      .meta(desc('keepalived `vrrp_sync_group` blocks')),
  })
  .default({ globals: { enableScriptSecurity: false, garp: {} }, scripts: [], trackFiles: [], instances: [], syncGroups: [] })
  .meta(desc('VRRP: what keepalived.conf holds'));

export const halbYamlSchema = z
  .strictObject({
    global: globalSchema,
    frontends: z.array(frontendSchema).default([]).meta(desc('HAProxy `frontend` sections')),
    backends: z.array(backendSchema).default([]).meta(desc('HAProxy `backend` sections')),
    resolvers: z.array(resolversSchema).default([]).meta(desc('HAProxy `resolvers` sections')),
    stats: z.array(statsSchema).default([]).meta(desc('Admin listeners (HAProxy `listen` with `stats enable`)')),
    vrrp: vrrpSchema,
  })
  .meta({ title: 'halb.yaml', description: 'halb configuration: load balancer (frontends, backends) and VRRP virtual IPs' });

export type HalbYaml = z.output<typeof halbYamlSchema>;

export function halbJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(halbYamlSchema, {
    io: 'input',
    unrepresentable: 'any',
    // Defaults of transformed fields (durations) are dropped by the input view; put them back
    // so editors show them.
    override: (ctx) => {
      const def = (ctx.zodSchema as unknown as { _zod: { def: { type: string; defaultValue?: unknown } } })._zod.def;
      if (def.type === 'default' && ctx.jsonSchema.default === undefined) ctx.jsonSchema.default = def.defaultValue;
    },
  }) as Record<string, unknown>;
}
