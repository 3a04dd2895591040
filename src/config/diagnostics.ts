// Parsers collect every problem instead of stopping at the first (conventions §7).
// Severity decides: any 'error' means the config is refused as a whole.

export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  readonly severity: Severity;
  readonly file: string;
  readonly line: number;
  readonly col?: number;
  /** The directive or key the message is about, e.g. "balance" or "frontends[0].binds". */
  readonly directive?: string;
  readonly message: string;
  /** "did you mean ..." and similar. */
  readonly hint?: string;
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.items.push(d);
  }
  error(file: string, line: number, message: string, extra: Partial<Diagnostic> = {}): void {
    this.add({ severity: 'error', file, line, message, ...extra });
  }
  warning(file: string, line: number, message: string, extra: Partial<Diagnostic> = {}): void {
    this.add({ severity: 'warning', file, line, message, ...extra });
  }
  note(file: string, line: number, message: string, extra: Partial<Diagnostic> = {}): void {
    this.add({ severity: 'note', file, line, message, ...extra });
  }
  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
  errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }
}

/** `file:line[:col]: severity: message (hint)` — the form editors and CI logs link to. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.col !== undefined ? `${d.file}:${d.line}:${d.col}` : `${d.file}:${d.line}`;
  const what = d.directive ? `'${d.directive}': ` : '';
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${where}: ${d.severity}: ${what}${d.message}${hint}`;
}

/** Typed error carrying all diagnostics; thrown only at the edge (CLI, daemon start, reload). */
export class ConfigError extends Error {
  readonly code = 'HALB_CONFIG_INVALID';
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(
      diagnostics
        .filter((d) => d.severity === 'error')
        .map(formatDiagnostic)
        .join('\n') || 'invalid configuration',
    );
    this.name = 'ConfigError';
  }
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best !== undefined && bestDist <= Math.max(2, Math.floor(word.length / 3)) ? `did you mean '${best}'?` : undefined;
}

/**
 * Hint for a value outside a fixed set (an enum): the closest valid value when there is one,
 * and always the whole set, so the user never has to look the valid values up.
 */
export function choiceHint(word: string, values: Iterable<string>): string {
  const all = [...values];
  const near = didYouMean(word, all);
  return `${near ? `${near} ` : ''}valid values: ${all.join(', ')}`;
}
