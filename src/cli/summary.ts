// One-screen summary of a loaded config for `halb check`. Pure.
import type { HalbConfig } from '../config/model.js';
import { formatDuration } from '../config/units.js';

export function summarize(cfg: HalbConfig): string {
  const lines: string[] = [];
  const addr = (a: string, p: number): string => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);
  if (cfg.frontends.length || cfg.backends.length) {
    const servers = cfg.backends.reduce((n, b) => n + b.servers.length, 0);
    lines.push(`load balancer: ${cfg.frontends.length} frontend(s), ${cfg.backends.length} backend(s), ${servers} server(s)`);
    for (const f of cfg.frontends) {
      lines.push(`  frontend ${f.name} (${f.mode}) ${f.binds.map((b) => addr(b.address, b.port)).join(', ')} -> ${f.defaultBackend ?? '(none)'}`);
    }
    for (const b of cfg.backends) {
      const hc = b.healthCheck;
      const check =
        hc.type === 'http'
          ? `http ${hc.method} ${hc.uri}${hc.expect ? ` expect ${hc.expect.negate ? '! ' : ''}${hc.expect.kind} ${hc.expect.value}` : ''}`
          : hc.type === 'tcp-check'
            ? `tcp-check (${hc.steps.length} steps)`
            : hc.type;
      const active = b.servers.filter((s) => !s.backup).length;
      lines.push(
        `  backend ${b.name} (${b.mode}, ${b.balance.algo}${b.balance.algo === 'source' ? `/${b.balance.hashType}` : ''}) ` +
          `${active} active + ${b.servers.length - active} backup${b.allBackups ? ' (allbackups)' : ''}, check: ${check}`,
      );
      for (const s of b.servers) {
        const flags = [
          s.backup && 'backup',
          s.disabled && 'disabled',
          s.check && `check inter ${formatDuration(s.inter)} rise ${s.rise} fall ${s.fall}`,
          s.checkSsl && 'check-ssl',
          s.weight !== 1 && `weight ${s.weight}`,
        ]
          .filter(Boolean)
          .join(', ');
        lines.push(`    server ${s.name} ${addr(s.address, s.port)}${flags ? ` [${flags}]` : ''}`);
      }
    }
    for (const s of cfg.stats) lines.push(`  stats ${s.name} ${s.binds.map((b) => addr(b.address, b.port)).join(', ')}${s.uri}`);
    for (const r of cfg.resolvers) lines.push(`  resolvers ${r.name}: ${r.nameservers.map((n) => addr(n.address, n.port)).join(', ')}`);
  }
  if (cfg.vrrp.instances.length) {
    const vips = cfg.vrrp.instances.reduce((n, i) => n + i.virtualAddresses.length, 0);
    lines.push(`vrrp: ${cfg.vrrp.instances.length} instance(s), ${vips} VIP(s), ${cfg.vrrp.scripts.length} script(s), ${cfg.vrrp.syncGroups.length} sync group(s)`);
    for (const i of cfg.vrrp.instances) {
      lines.push(
        `  instance ${i.name} ${i.interface} vrid ${i.vrid} prio ${i.priority} v${i.version} advert ${formatDuration(i.advertInt)}${i.unicastPeers.length ? ` unicast -> ${i.unicastPeers.join(', ')}` : ''}: ` +
          i.virtualAddresses.map((v) => (v.address.includes('/') ? v.address : `${v.address}/${v.prefix}`)).join(', '),
      );
    }
  }
  return lines.join('\n') + '\n';
}
