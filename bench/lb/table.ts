// The one results table: a row per metric, a column per contender, then halb/haproxy and the target.
import type { ContenderName } from './contenders.js';

export type Cell = { kind: 'num'; value: number; digits: number } | { kind: 'text'; text: string };

export interface Target {
  /** halb/haproxy must be >= (higher is better) or <= (lower is better) this ratio. */
  cmp: '>=' | '<=';
  ratio: number;
}

export interface Row {
  label: string;
  cells: Partial<Record<ContenderName, Cell>>;
  /** Whether a halb/haproxy ratio is meaningful for this row. */
  ratio: boolean;
  target?: Target;
}

export const COLUMNS: ContenderName[] = ['direct', 'haproxy', 'halb'];

export const num = (value: number, digits = 0): Cell => ({ kind: 'num', value, digits });
export const text = (t: string): Cell => ({ kind: 'text', text: t });

function fmtCell(c: Cell | undefined): string {
  if (c === undefined) return '—';
  if (c.kind === 'text') return c.text;
  return c.value.toLocaleString('en-US', { minimumFractionDigits: c.digits, maximumFractionDigits: c.digits });
}

/** halb/haproxy, or undefined when either side has no number (or haproxy's is 0). */
export function ratioOf(row: Row): number | undefined {
  const h = row.cells.halb;
  const x = row.cells.haproxy;
  if (!row.ratio || h?.kind !== 'num' || x?.kind !== 'num' || x.value === 0) return undefined;
  return h.value / x.value;
}

export function verdict(row: Row): string {
  if (!row.target) return '';
  const goal = `${row.target.cmp} ${row.target.ratio.toFixed(1)}×`;
  const r = ratioOf(row);
  if (r === undefined) return `${goal}: n/a`;
  const pass = row.target.cmp === '>=' ? r >= row.target.ratio : r <= row.target.ratio;
  return `${goal}: ${pass ? 'PASS' : 'FAIL'}`;
}

export function renderTable(rows: Row[]): string {
  const header = ['metric', ...COLUMNS, 'halb/haproxy', 'target'];
  const body = rows.map((r) => {
    const ratio = ratioOf(r);
    return [r.label, ...COLUMNS.map((c) => fmtCell(r.cells[c])), ratio === undefined ? '—' : `${ratio.toFixed(2)}×`, verdict(r)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cols: string[]): string =>
    cols
      .map((c, i) => (i === 0 || i === cols.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}
