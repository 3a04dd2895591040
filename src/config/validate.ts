// Checks on the combined model that no single line can make: names that must exist or be
// unique, listeners that collide, modes that do not fit. Same checks whatever the source
// format; the Locator turns model paths into file:line. Pure module.
import { didYouMean, type Diagnostics } from './diagnostics.js';
import type { Locator } from './locate.js';
import type { Backend, Bind, Frontend, Resolvers, StatsPage } from './model.js';

export interface LbPart {
  readonly frontends: readonly Frontend[];
  readonly backends: readonly Backend[];
  readonly resolvers: readonly Resolvers[];
  readonly stats: readonly StatsPage[];
}

export function validateLb(cfg: LbPart, diags: Diagnostics, locate: Locator): void {
  const report = (severity: 'error' | 'warning', path: (string | number)[], message: string, hint?: string): void => {
    const at = locate(path);
    diags.add({
      severity,
      file: at.pos.file,
      line: at.pos.line,
      ...(at.pos.col !== undefined ? { col: at.pos.col } : {}),
      ...(at.directive ? { directive: at.directive } : {}),
      message,
      ...(hint ? { hint } : {}),
    });
  };
  const where = (path: (string | number)[]): string => {
    const p = locate(path).pos;
    return `${p.file}:${p.line}`;
  };

  unique(cfg.frontends, 'frontends', 'frontend', report, where);
  unique(cfg.backends, 'backends', 'backend', report, where);
  unique(cfg.resolvers, 'resolvers', 'resolvers section', report, where);
  unique(cfg.stats, 'stats', 'stats page', report, where);

  const backendByName = new Map(cfg.backends.map((b) => [b.name, b]));
  const resolverNames = new Set(cfg.resolvers.map((r) => r.name));

  // Two listeners on one address:port would fail at bind time; say so before starting.
  const binds = new Map<string, (string | number)[]>();
  const seeBind = (b: Bind, path: (string | number)[], owner: string): void => {
    const key = `${b.address}|${b.port}`;
    const prev = binds.get(key);
    if (prev) report('error', path, `${owner}: ${b.address}:${b.port} is already bound at ${where(prev)}`);
    else binds.set(key, path);
    const wild = b.address === '0.0.0.0' ? 4 : b.address === '::' ? 6 : 0;
    if (!wild) {
      for (const w of ['0.0.0.0', '::']) {
        const other = binds.get(`${w}|${b.port}`);
        if (other && (w === '::' || !b.address.includes(':'))) report('error', path, `${owner}: port ${b.port} on ${b.address} overlaps ${w}:${b.port} bound at ${where(other)}`);
      }
    }
  };

  cfg.frontends.forEach((f, i) => {
    // HAProxy warns the same way and still starts if another proxy listens.
    if (f.binds.length === 0) report('warning', ['frontends', i], `frontend '${f.name}' has no bind (declare it as a backend if that was intended)`);
    f.binds.forEach((b, j) => seeBind(b, ['frontends', i, 'binds', j], `frontend '${f.name}'`));
    if (f.defaultBackend === undefined) {
      report('warning', ['frontends', i], `frontend '${f.name}' has no default_backend: every connection will be refused`);
    } else {
      const be = backendByName.get(f.defaultBackend);
      if (!be) {
        report('error', ['frontends', i, 'defaultBackend'], `backend '${f.defaultBackend}' does not exist`, didYouMean(f.defaultBackend, backendByName.keys()));
      } else if (f.mode === 'http' && be.mode === 'tcp') {
        // HAProxy refuses this too ("http frontend tries to use incompatible tcp backend").
        report('error', ['frontends', i, 'defaultBackend'], `frontend '${f.name}' is mode http but backend '${be.name}' is mode tcp`);
      } else if (f.mode === 'tcp' && be.mode === 'http') {
        // HAProxy upgrades the stream to HTTP here; halb does not, and guessing would change traffic.
        report('error', ['frontends', i, 'defaultBackend'], `frontend '${f.name}' is mode tcp but backend '${be.name}' is mode http: halb does not upgrade tcp to http; use the same mode on both`);
      }
    }
    if (f.mode === 'tcp' && f.forwardFor) report('warning', ['frontends', i, 'forwardFor'], `forwardFor has no effect in mode tcp`);
    // HAProxy warns the same way: an unset timeout means waiting forever.
    if (f.timeouts.client === undefined) report('warning', ['frontends', i], `frontend '${f.name}' has no 'timeout client': idle clients are never closed`);
  });

  cfg.stats.forEach((s, i) => {
    if (s.binds.length === 0) report('error', ['stats', i], `stats page '${s.name}' has no bind`);
    s.binds.forEach((b, j) => seeBind(b, ['stats', i, 'binds', j], `stats '${s.name}'`));
  });

  cfg.backends.forEach((b, i) => {
    if (b.servers.length === 0) report('warning', ['backends', i], `backend '${b.name}' has no server: every connection will get no usable server`);
    if (b.mode === 'tcp' && b.forwardFor) report('warning', ['backends', i, 'forwardFor'], `forwardFor has no effect in mode tcp`);
    const seen = new Map<string, number>();
    b.servers.forEach((s, j) => {
      const prev = seen.get(s.name);
      if (prev !== undefined) report('error', ['backends', i, 'servers', j], `server name '${s.name}' is already used in backend '${b.name}' (${where(['backends', i, 'servers', prev])})`);
      else seen.set(s.name, j);
      if (s.resolvers !== undefined && !resolverNames.has(s.resolvers)) {
        report('error', ['backends', i, 'servers', j, 'resolvers'], `resolvers section '${s.resolvers}' does not exist`, didYouMean(s.resolvers, resolverNames));
      }
      if (s.hostname !== undefined && s.resolvers === undefined && !s.initAddr.some((m) => m === 'libc')) {
        report('warning', ['backends', i, 'servers', j], `server '${s.name}' is a host name but neither 'resolvers' nor init-addr 'libc' can resolve it`);
      }
      if (s.fastinter !== undefined && s.fastinter <= 0) report('error', ['backends', i, 'servers', j], `fastinter must be greater than 0`);
    });
    if (b.timeouts.connect === undefined || b.timeouts.server === undefined) {
      report('warning', ['backends', i], `backend '${b.name}' lacks 'timeout connect' or 'timeout server': stalled servers are waited for forever`);
    }
  });

  cfg.resolvers.forEach((r, i) => {
    if (r.nameservers.length === 0) report('error', ['resolvers', i], `resolvers '${r.name}' has no nameserver`);
  });
}

function unique(items: readonly { name: string }[], key: string, what: string, report: (s: 'error', path: (string | number)[], m: string) => void, where: (path: (string | number)[]) => string): void {
  const seen = new Map<string, number>();
  items.forEach((it, i) => {
    const prev = seen.get(it.name);
    if (prev !== undefined) report('error', [key, i], `duplicate ${what} '${it.name}' (first defined at ${where([key, prev])})`);
    else seen.set(it.name, i);
  });
}
