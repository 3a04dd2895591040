// Which file is which: `-c`, `--haproxy`, `--keepalived` name the format, `-f FILE` (repeatable,
// the habit from `haproxy -f` and `keepalived -f`) lets the content decide. A file whose content
// says it is another format than its flag gets "use --haproxy FILE" rather than the wrong
// parser's errors.
import { ConfigError } from '../config/diagnostics.js';
import type { ConfigSources } from '../config/load.js';
import { FORMAT_INFO, sniffConfig, type ConfigFormat } from '../config/sniff.js';
import { UsageError } from './exit-codes.js';

export interface SourceFlags {
  config?: string;
  haproxy?: string;
  keepalived?: string;
  /** -f FILE, repeatable. */
  file?: string[];
}

/** commander's collector for a repeatable option. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const KEY: Record<ConfigFormat, keyof ConfigSources> = { yaml: 'yaml', haproxy: 'haproxy', keepalived: 'keepalived' };

/**
 * The sources named by the flags. Throws UsageError for a file given to the wrong flag, a -f
 * file of unknown format, or two files for one format; ConfigError for an unreadable -f file
 * (as loadConfig reports an unreadable -c file). May return no source at all: callers default.
 */
export function resolveSources(flags: SourceFlags, readFile: (path: string) => string, allowed: readonly ConfigFormat[] = ['yaml', 'haproxy', 'keepalived']): ConfigSources {
  const out: { -readonly [K in keyof ConfigSources]: ConfigSources[K] } = {};
  const read = (path: string): { text: string } | { error: string } => {
    try {
      return { text: readFile(path) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  };
  const put = (format: ConfigFormat, path: string, how: string): void => {
    if (!allowed.includes(format)) {
      throw new UsageError(`${path} is a ${FORMAT_INFO[format].name} (${how}); this command takes ${allowed.map((f) => `${FORMAT_INFO[f].flag} ${FORMAT_INFO[f].name}`).join(' or ')}`);
    }
    const key = KEY[format];
    if (out[key] !== undefined && out[key] !== path) throw new UsageError(`two ${FORMAT_INFO[format].name} files given (${out[key]} and ${path}); give one`);
    out[key] = path;
  };
  const explicit: [ConfigFormat, string | undefined][] = [
    ['yaml', flags.config],
    ['haproxy', flags.haproxy],
    ['keepalived', flags.keepalived],
  ];
  for (const [format, path] of explicit) {
    if (!path) continue;
    const r = read(path);
    // An unreadable file is left to loadConfig, which reports it with the others.
    const s = 'text' in r ? sniffConfig(r.text) : undefined;
    if (s && s.format !== 'unknown' && s.format !== format) {
      const is = FORMAT_INFO[s.format];
      throw new UsageError(`${path} looks like a ${is.name}, not a ${FORMAT_INFO[format].name} (line ${s.line}: ${s.evidence}): use ${is.flag} ${path} (or -f ${path}, which detects the format)`);
    }
    put(format, path, `given with ${FORMAT_INFO[format].flag}`);
  }
  for (const path of flags.file ?? []) {
    const r = read(path);
    if ('error' in r) throw new ConfigError([{ severity: 'error', file: path, line: 0, message: `cannot read: ${r.error}` }]);
    const s = sniffConfig(r.text);
    if (s.format === 'unknown') {
      throw new UsageError(`cannot tell what ${path} is (no haproxy.cfg section, keepalived.conf block or halb.yaml key found): give it with -c, --haproxy or --keepalived`);
    }
    put(s.format, path, `detected from line ${s.line}: ${s.evidence}`);
  }
  return out;
}
