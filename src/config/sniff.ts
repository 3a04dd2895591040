// Tells a haproxy.cfg, a keepalived.conf and a halb.yaml apart by their content, so `-f FILE`
// needs no format flag and a file given to the wrong flag gets "use --haproxy" instead of
// the other parser's noise. Pure. The first decisive line wins; comments and blanks are skipped.

export type ConfigFormat = 'haproxy' | 'keepalived' | 'yaml';

export interface SniffResult {
  readonly format: ConfigFormat | 'unknown';
  /** 1-based line of the evidence, with the line itself, for the message. */
  readonly line?: number;
  readonly evidence?: string;
}

// keepalived.conf: a known block keyword followed by an opening brace (on the line or the next).
const KEEPALIVED_BLOCK =
  /^\s*(global_defs|vrrp_instance|vrrp_script|vrrp_sync_group|vrrp_track_file|track_file|virtual_server|virtual_server_group|static_ipaddress|static_routes|static_rules|linkbeat_interfaces|bfd_instance)\b[^:]*(\{|$)/;
// haproxy.cfg: a section keyword at the start of a line, then a space or the end (not YAML's
// colon); `frontend NAME from DEFAULTS` and the old `listen NAME ADDR:PORT` included.
const HAPROXY_SECTION = /^(global|defaults|frontend|backend|listen|resolvers|peers|userlist|mailers|program|cache|http-errors|ring)(\s.*)?$/;
// halb.yaml: a top-level key of the schema, or a YAML document marker.
// keepalived.conf's preprocessor: `include FILE` and `$NAME=value` definitions (neither exists in the others).
const KEEPALIVED_PRE = /^\s*(include\s+\S|\$[A-Za-z_][A-Za-z0-9_]*\s*=)/;
const YAML_TOP = /^(frontends|backends|resolvers|stats|global|vrrp)\s*:|^---\s*$/;

export function sniffConfig(text: string): SniffResult {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.replace(/\s+$/, '');
    const trimmed = line.trimStart();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith('!')) continue;
    const at = { line: i + 1, evidence: trimmed.length > 60 ? `${trimmed.slice(0, 57)}...` : trimmed };
    if (YAML_TOP.test(line)) return { format: 'yaml', ...at };
    if (KEEPALIVED_PRE.test(line)) return { format: 'keepalived', ...at };
    if (KEEPALIVED_BLOCK.test(line)) {
      const next = lines.slice(i + 1).find((l) => l.trim() && !/^\s*[#!]/.test(l));
      if (line.includes('{') || next?.trim().startsWith('{')) return { format: 'keepalived', ...at };
    }
    if (HAPROXY_SECTION.test(line.replace(/\s+#.*$/, ''))) return { format: 'haproxy', ...at };
  }
  return { format: 'unknown' };
}

/** How each format is named to the user, and the flag that takes it. */
export const FORMAT_INFO: Readonly<Record<ConfigFormat, { readonly name: string; readonly flag: string }>> = {
  haproxy: { name: 'haproxy.cfg', flag: '--haproxy' },
  keepalived: { name: 'keepalived.conf', flag: '--keepalived' },
  yaml: { name: 'halb.yaml', flag: '-c' },
};
