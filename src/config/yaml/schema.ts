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
const name = z.string().regex(/^[A-Za-z0-9_.:-]+$/, { error: "a name of letters, digits, '-', '_', '.', ':'" });

const bindObject = z.strictObject({ address: z.string(), port });
export const bind = z
  .union([z.string().meta({ description: '"address:port", "*:port" or "[v6]:port"' }), bindObject])
  .transform((v, ctx) => {
    const r = typeof v === 'string' ? parseBindAddress(v) : isIp(v.address) ? { ok: true as const, value: v } : { ok: false as const, reason: `bind address '${v.address}' is not an IP address` };
    if (!r.ok) {
      ctx.issues.push({ code: 'custom', message: r.reason, input: v });
      return z.NEVER;
    }
    return { address: r.value.address, port: r.value.port };
  });

// A timeout is positive; leaving it out means "no timeout" (HAProxy's 0).
const timeout = duration.refine((ms) => ms > 0, { error: 'a timeout must be greater than 0 (leave it out for no timeout)' }).optional();
const timeouts = z
  .strictObject({
    connect: timeout,
    client: timeout,
    server: timeout,
    check: timeout,
    httpRequest: timeout,
    httpKeepAlive: timeout,
    queue: timeout,
    tunnel: timeout,
  })
  .default({});

const forwardFor = z.strictObject({
  except: z.string().optional(),
  header: z.string().default('X-Forwarded-For'),
});

const errorFiles = z
  .record(z.string().regex(/^\d{3}$/, { error: 'an HTTP status code' }), z.string())
  .default({})
  .meta({ description: 'HTTP status code -> path of a file holding a complete HTTP response (read at load time)' });

const mode = z.enum(['tcp', 'http']).default('tcp');

export const frontendSchema = z.strictObject({
  name,
  mode,
  binds: z.array(bind),
  defaultBackend: z.string().optional(),
  timeouts,
  forwardFor: forwardFor.optional(),
  httpServerClose: z.boolean().default(false),
  log: z
    .strictObject({ httplog: z.boolean().default(false), tcplog: z.boolean().default(false), dontlognull: z.boolean().default(false) })
    .default({ httplog: false, tcplog: false, dontlognull: false }),
  maxconn: z.number().int().nonnegative().optional(),
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
  name,
  address: z.string().min(1).meta({ description: 'IP address, or a host name to resolve' }),
  port,
  weight: z.number().int().min(0).max(256).default(1),
  backup: z.boolean().default(false),
  disabled: z.boolean().default(false),
  check: z.boolean().default(false),
  checkPort: port.optional(),
  checkSsl: z.boolean().default(false),
  verify: z.enum(['none', 'required']).default('required').meta({ description: 'TLS checks: verify the certificate against the system CA store (required) or not (none)' }),
  inter: duration.default(2000),
  fastinter: duration.optional(),
  downinter: duration.optional(),
  rise: z.number().int().min(1).default(2),
  fall: z.number().int().min(1).default(3),
  maxconn: z.number().int().nonnegative().optional(),
  resolvers: z.string().optional(),
  initAddr,
});

const hexString = z.string().regex(/^([0-9a-fA-F]{2})+$/, { error: 'an even-length hex string' });
const tcpCheckStep = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('connect'), port: port.optional(), ssl: z.boolean().default(false) }),
  z.strictObject({ kind: z.literal('send'), data: z.string() }),
  z.strictObject({ kind: z.literal('send-binary'), hex: hexString.transform((s) => s.toLowerCase()) }),
  z.strictObject({
    kind: z.literal('expect'),
    negate: z.boolean().default(false),
    match: z.enum(['string', 'rstring', 'binary']),
    pattern: z.string(),
  }),
]);

const httpExpect = z.strictObject({
  negate: z.boolean().default(false),
  kind: z.enum(['status', 'rstatus']),
  value: z.string(),
});

export const healthCheckSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('tcp') }),
    z.strictObject({ type: z.literal('tcp-check'), steps: z.array(tcpCheckStep) }),
    z.strictObject({
      type: z.literal('http'),
      // HAProxy's `option httpchk` defaults: OPTIONS / HTTP/1.0.
      method: z.string().regex(/^[A-Z]+$/).default('OPTIONS'),
      uri: z.string().regex(/^(\/|\*)/, { error: "a URI starting with '/'" }).default('/'),
      version: z.enum(['HTTP/1.0', 'HTTP/1.1']).default('HTTP/1.0'),
      host: z.string().optional(),
      expect: httpExpect.optional(),
    }),
    z.strictObject({ type: z.literal('ssl-hello') }),
  ])
  .default({ type: 'tcp' });

const balance = z
  .union([
    z.enum(BALANCE_ALGOS),
    z.strictObject({ algo: z.enum(BALANCE_ALGOS), hashType: z.enum(['map-based', 'consistent']).default('map-based') }),
  ])
  .default('roundrobin')
  .transform((b) => (typeof b === 'string' ? { algo: b, hashType: 'map-based' as const } : b));

export const backendSchema = z.strictObject({
  name,
  mode,
  balance,
  servers: z.array(serverSchema).default([]),
  allBackups: z.boolean().default(false),
  redispatch: z.boolean().default(false),
  retries: z.number().int().min(0).default(3),
  timeouts,
  healthCheck: healthCheckSchema,
  forwardFor: forwardFor.optional(),
  httpServerClose: z.boolean().default(false),
  errorFiles,
});

export const resolversSchema = z.strictObject({
  name,
  nameservers: z.array(z.strictObject({ name, address: z.string().refine(isIp, { error: 'an IP address' }), port: port.default(53) })),
  resolveRetries: z.number().int().min(1).default(3),
  timeoutRetry: duration.default(1000),
  hold: z
    .strictObject({
      valid: duration.default(10_000),
      nx: duration.default(30_000),
      other: duration.default(30_000),
      refused: duration.default(30_000),
      timeout: duration.default(30_000),
    })
    .default({ valid: 10_000, nx: 30_000, other: 30_000, refused: 30_000, timeout: 30_000 }),
});

export const statsSchema = z.strictObject({
  name,
  binds: z.array(bind),
  uri: z.string().startsWith('/').default('/haproxy?stats'),
  auth: z.array(z.strictObject({ user: z.string().min(1), password: z.string() })).default([]),
  refresh: duration.optional(),
  hideVersion: z.boolean().default(false),
  /** The admin listener's own client-side timeouts (as a frontend's). */
  timeouts: z.strictObject({ client: timeout, httpRequest: timeout, httpKeepAlive: timeout }).optional(),
});

export const globalSchema = z
  .strictObject({
    maxconn: z.number().int().min(1).optional(),
    statsSocket: z.strictObject({ path: z.string(), level: z.enum(['user', 'operator', 'admin']).optional() }).optional(),
  })
  .default({});

// ---- VRRP (keepalived defaults) -------------------------------------------------------------

const userGroup = z.strictObject({ user: z.string(), group: z.string().optional() });

// keepalived: vrrp_garp_master_delay 5, vrrp_garp_master_repeat 5, refresh repeat 1, interval 0.
const garpFields = {
  masterDelay: duration.optional(),
  masterRepeat: z.number().int().min(1).optional(),
  masterRefresh: duration.optional(),
  masterRefreshRepeat: z.number().int().min(1).optional(),
  lowerPriorityDelay: duration.optional(),
  lowerPriorityRepeat: z.number().int().min(1).optional(),
  interval: duration.optional(),
  naInterval: duration.optional().meta({ description: 'Delay between unsolicited neighbour advertisements (keepalived vrrp_gna_interval)' }),
};
const garp = z.strictObject(garpFields);

const trackRef = z
  .union([z.string(), z.strictObject({ name: z.string(), weight: z.number().int().min(-253).max(253).optional(), reverse: z.boolean().optional() })])
  .transform((t) => (typeof t === 'string' ? { name: t } : t));

export const virtualAddress = z
  .union([
    z.string().meta({ description: '"10.0.0.10/24" or "fd00::10/64"; prefix defaults to /32 or /128' }),
    z.strictObject({
      address: z.string(),
      dev: z.string().optional(),
      label: z.string().optional(),
      broadcast: z.string().optional().meta({ description: "`brd`: an address, '+' or '-'" }),
      scope: z.enum(['site', 'link', 'host', 'nowhere', 'global']).optional(),
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
    master: z.string().optional(),
    backup: z.string().optional(),
    fault: z.string().optional(),
    stop: z.string().optional(),
    any: z.string().optional(),
    users: z
      .strictObject({ master: userGroup.optional(), backup: userGroup.optional(), fault: userGroup.optional(), stop: userGroup.optional(), any: userGroup.optional() })
      .optional()
      .meta({ description: 'Who runs each notify script (default: vrrp.globals.scriptUser)' }),
  })
  .default({});

export const vrrpInstanceSchema = z.strictObject({
  name,
  initialState: z.enum(['MASTER', 'BACKUP']).default('BACKUP'),
  interface: z.string().min(1),
  vrid: z.number().int().min(1).max(255),
  priority: z.number().int().min(1).max(255).default(100),
  advertInt: duration.default(1000),
  version: z.union([z.literal(2), z.literal(3)]).default(2),
  family: z.union([z.literal(4), z.literal(6)]).optional().meta({ description: 'Derived from the virtual addresses when omitted' }),
  nopreempt: z.boolean().default(false),
  preemptDelay: duration.default(0),
  unicastSrcIp: z.string().refine(isIp, { error: 'an IP address' }).optional(),
  unicastPeers: z.array(z.string().refine(isIp, { error: 'an IP address' })).default([]),
  auth: z.strictObject({ type: z.literal('PASS'), password: z.string().min(1).max(8) }).optional(),
  virtualAddresses: z.array(virtualAddress).min(1),
  virtualAddressesExcluded: z.array(virtualAddress).default([]),
  trackScripts: z.array(trackRef).default([]),
  trackInterfaces: z.array(trackRef).default([]),
  trackFiles: z.array(trackRef).default([]),
  notify,
  checksumPseudoHeader: z.boolean().default(true),
  garp: garp.optional().meta({ description: 'Overrides of vrrp.globals.garp for this instance' }),
  dontTrackPrimary: z.boolean().optional().meta({ description: "keepalived dont_track_primary: the instance's own interface going down is not a FAULT" }),
});

export const vrrpSchema = z
  .strictObject({
    globals: z
      .strictObject({
        routerId: z.string().optional(),
        enableScriptSecurity: z.boolean().default(false),
        scriptUser: userGroup.optional(),
        garp: garp.default({}),
      })
      .default({ enableScriptSecurity: false, garp: {} }),
    scripts: z
      .array(
        z.strictObject({
          name,
          script: z.string().min(1),
          interval: duration.default(1000),
          timeout: duration.optional(),
          fall: z.number().int().min(1).default(1),
          rise: z.number().int().min(1).default(1),
          weight: z.number().int().min(-253).max(253).default(0),
          weightReverse: z.boolean().default(false),
          user: userGroup.optional(),
          initFail: z.boolean().optional().meta({ description: 'keepalived init_fail: start in the failed state' }),
        }),
      )
      .default([]),
    trackFiles: z
      .array(
        z.strictObject({
          name,
          path: z.string().min(1),
          weight: z.number().int().min(-254).max(254).default(1),
          weightReverse: z.boolean().optional(),
          init: z.strictObject({ value: z.number().int(), overwrite: z.boolean().default(false) }).optional().meta({ description: 'keepalived init_file: write value at start if missing (or always with overwrite)' }),
        }),
      )
      .default([]),
    instances: z.array(vrrpInstanceSchema).default([]),
    syncGroups: z.array(z.strictObject({ name, members: z.array(z.string()).min(1), notify })).default([]),
  })
  .default({ globals: { enableScriptSecurity: false, garp: {} }, scripts: [], trackFiles: [], instances: [], syncGroups: [] });

export const halbYamlSchema = z
  .strictObject({
    global: globalSchema,
    frontends: z.array(frontendSchema).default([]),
    backends: z.array(backendSchema).default([]),
    resolvers: z.array(resolversSchema).default([]),
    stats: z.array(statsSchema).default([]),
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
