// docs/halb-yaml.md, the halb.yaml reference, rendered from the JSON Schema that the zod schema
// exports (schema.ts → json-schema.ts), so the page lists exactly the keys the loader accepts with
// their types, defaults, allowed values and descriptions. Examples come from
// reference-examples.ts; a unit test checks that they pass the schema and show every key, and that
// the committed page is what this module renders today. Pure module.
import { DURATION_RE } from '../units.js';
import { REFERENCE_EXAMPLES, type ReferenceExample } from './reference-examples.js';

/** The subset of JSON Schema that z.toJSONSchema emits for halb.yaml. */
export interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: readonly unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  items?: JsonSchema;
  anyOf?: readonly JsonSchema[];
  oneOf?: readonly JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
}

/** One documented key. */
export interface ReferenceRow {
  /** Dotted path from the top of the file; `[]` marks a list item. */
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly defaultText: string;
  readonly allowed: string;
  readonly description: string;
}

const NAME_PATTERN = '^[A-Za-z0-9_.:-]+$';
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Every key of the schema, depth first, in schema order. */
export function referenceRows(root: JsonSchema): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  const byPath = new Map<string, ReferenceRow>();
  const add = (row: ReferenceRow): void => {
    const seen = byPath.get(row.path);
    if (seen === undefined) {
      byPath.set(row.path, row);
      rows.push(row);
      return;
    }
    // The same key in several variants of a tagged union (`type` of healthCheck, `kind` of a
    // tcp-check step): one row, its allowed values merged.
    const merged: ReferenceRow = { ...seen, allowed: [seen.allowed, row.allowed].filter((a) => a !== '').join(', ') };
    byPath.set(row.path, merged);
    rows[rows.indexOf(seen)] = merged;
  };
  walkObject(root, '', '', add);
  return rows;
}

function walkObject(s: JsonSchema, prefix: string, variant: string, add: (r: ReferenceRow) => void): void {
  const required = new Set(s.required ?? []);
  for (const [key, child] of Object.entries(s.properties ?? {})) {
    const path = prefix + key;
    const isTag = child.const !== undefined;
    const text = child.description ?? descriptionOfParts(child) ?? '';
    const description = variant !== '' && !isTag ? `With ${variant}: ${/^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text}` : text;
    add({
      path,
      type: typeText(child),
      required: required.has(key) && child.default === undefined,
      defaultText: child.default === undefined ? '' : isDuration(child) && typeof child.default === 'number' ? `\`${durationText(child.default)}\`` : inlineValue(child.default),
      allowed: allowedText(child),
      description,
    });
    walkChildren(child, path, variant, add);
  }
}

function walkChildren(s: JsonSchema, path: string, variant: string, add: (r: ReferenceRow) => void): void {
  if (s.properties) walkObject(s, `${path}.`, variant, add);
  if (s.items) walkChildren(s.items, `${path}[]`, variant, add);
  for (const part of s.anyOf ?? s.oneOf ?? []) {
    const tag = tagOf(part);
    if (part.properties) walkObject(part, `${path}.`, tag ?? variant, add);
    else if (part.items) walkChildren(part.items, `${path}[]`, variant, add);
  }
}

/** `type: http` for a variant of a tagged union. */
function tagOf(s: JsonSchema): string | undefined {
  for (const [k, v] of Object.entries(s.properties ?? {})) if (v.const !== undefined) return `\`${k}: ${String(v.const)}\``;
  return undefined;
}

function isDuration(s: JsonSchema): boolean {
  const parts = s.anyOf ?? [];
  return parts.length === 2 && parts[0]?.type === 'number' && parts[1]?.type === 'string' && parts[1]?.pattern === DURATION_RE.source;
}

export function typeText(s: JsonSchema): string {
  if (isDuration(s)) return 'duration';
  const parts = s.anyOf ?? s.oneOf;
  if (parts) {
    if (parts.every((p) => p.const !== undefined)) return typeText(parts[0]!);
    if (parts.every((p) => p.type === 'object')) return 'object';
    return [...new Set(parts.map(typeText))].join(' or ');
  }
  switch (s.type) {
    case 'array':
      return `list of ${s.items ? plural(typeText(s.items)) : 'values'}`;
    case 'object':
      if (!s.properties && typeof s.additionalProperties === 'object') return `map of ${typeText(s.propertyNames ?? { type: 'string' })} to ${typeText(s.additionalProperties)}`;
      return 'object';
    case 'string':
      return s.pattern === NAME_PATTERN ? 'name' : 'string';
    case 'number':
    case 'integer':
    case 'boolean':
      return s.type;
    default:
      return 'any';
  }
}

function plural(t: string): string {
  return t.includes(' or ') ? `(${t})` : t.endsWith('s') ? t : `${t}s`;
}

function allowedText(s: JsonSchema): string {
  if (isDuration(s)) return '';
  const parts = s.anyOf ?? s.oneOf;
  if (parts) {
    if (parts.every((p) => p.const !== undefined)) return parts.map((p) => inlineValue(p.const)).join(', ');
    return parts
      .map(allowedText)
      .filter((a) => a !== '')
      .join('; ');
  }
  if (s.const !== undefined) return inlineValue(s.const);
  if (s.enum) return s.enum.map(inlineValue).join(', ');
  const out: string[] = [];
  if (s.type === 'integer' || s.type === 'number') {
    const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : undefined);
    const max = s.maximum !== undefined && s.maximum < MAX_SAFE ? s.maximum : undefined;
    if (typeof min === 'number' && max !== undefined) out.push(`${min}–${max}`);
    else if (typeof min === 'number') out.push(`≥ ${min}`);
    else if (min !== undefined) out.push(min);
    else if (max !== undefined) out.push(`≤ ${max}`);
  }
  if (s.type === 'string') {
    if (s.pattern !== undefined && s.pattern !== NAME_PATTERN) out.push(`matches \`${s.pattern}\``);
    if (s.minLength !== undefined && s.maxLength !== undefined) out.push(`${s.minLength}–${s.maxLength} characters`);
    else if (s.minLength !== undefined && s.minLength > 1) out.push(`at least ${s.minLength} characters`);
    else if (s.minLength === 1) out.push('not empty');
  }
  if (s.type === 'array' && s.minItems !== undefined && s.minItems > 0) out.push(`at least ${s.minItems}`);
  return out.join(', ');
}

/** A description carried by one part of a union (bind's string form, a VIP's string form). */
function descriptionOfParts(s: JsonSchema): string | undefined {
  const inner = s.items ?? s;
  for (const p of inner.anyOf ?? inner.oneOf ?? []) if (p.description !== undefined) return p.description;
  return undefined;
}

function inlineValue(v: unknown): string {
  const flow = flowYaml(v);
  return flow.length <= 60 ? `\`${flow}\`` : '(see keys below)';
}

/** A value as YAML flow text: `[last, libc]`, `{ httplog: false }`. */
function flowYaml(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flowYaml).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, x]) => `${k}: ${flowYaml(x)}`).join(', ')} }`;
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A default in milliseconds as it would be written: 2000 → 2s. */
export function durationText(ms: number): string {
  const units: ReadonlyArray<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [u, n] of units) if (ms > 0 && ms % n === 0) return `${ms / n}${u}`;
  return ms === 0 ? '0' : `${ms}ms`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const INTRO = `# halb.yaml reference

<!-- Generated from the halb.yaml schema (src/config/yaml/schema.ts) by \`npm run docs\`. Do not edit:
     change the schema's descriptions or src/config/yaml/reference-examples.ts and regenerate. -->

halb's own configuration format. \`halb check -c halb.yaml\` validates a file and \`halb import\`
turns a haproxy.cfg or keepalived.conf into one. The format is strict: an unknown key is an error
that names its line, with a "did you mean". Defaults are HAProxy's and keepalived's, so a file only
needs what differs. For completion in an editor, point it at the JSON Schema shipped in
\`schema/halb.schema.json\` (first line: \`# yaml-language-server: $schema=<path to halb.schema.json>\`).
[config.md](config.md) tells how halb.yaml combines with haproxy.cfg and keepalived.conf.

Paths are written from the top of the file: \`backends[].servers[].inter\` is the \`inter\` key of
a server in the \`servers\` list of a backend. **Required** keys must be given; every other key may
be left out and then takes its default (no default: the feature is off or unset).

## Value types

| Type | Written as |
|---|---|
| duration | milliseconds as a number (\`1500\`), or a string with a unit: \`"100us"\`, \`"500ms"\`, \`"2s"\`, \`"1m"\`, \`"1h"\`, \`"1d"\`; decimals allowed (\`"1.5s"\`) |
| name | letters, digits, \`-\`, \`_\`, \`.\`, \`:\` |
| bind | \`"address:port"\`, \`"*:port"\` (all IPv4 addresses), \`"[v6 address]:port"\`, or \`{ address, port }\` |
| list of … | a YAML list, block (\`- item\`) or flow (\`[a, b]\`) |
`;

/** The whole page. */
export function renderReference(root: JsonSchema, examples: readonly ReferenceExample[] = REFERENCE_EXAMPLES): string {
  const rows = referenceRows(root);
  const out: string[] = [INTRO];
  const top = Object.keys(root.properties ?? {});
  out.push('## Sections\n');
  out.push(examples.map((e) => `- [\`${e.section}\`](#${anchor(e.section)}): ${e.summary}`).join('\n') + '\n');
  for (const ex of examples) {
    out.push(`## ${ex.section}\n`);
    out.push(`${ex.summary}\n`);
    const own = rows.filter((r) => belongs(r.path, ex.section, examples, top));
    out.push('| Key | Type | Default | Allowed | Description |');
    out.push('|---|---|---|---|---|');
    for (const r of own) {
      const def = r.required ? '**required**' : r.defaultText;
      out.push(`| \`${cell(r.path)}\` | ${cell(r.type)} | ${cell(def)} | ${cell(r.allowed)} | ${cell(r.description)} |`);
    }
    out.push('');
    out.push('Example:\n');
    out.push('```yaml');
    out.push(ex.yaml.trim());
    out.push('```\n');
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** A row belongs to the most specific section whose path prefixes it. */
function belongs(path: string, section: string, examples: readonly ReferenceExample[], top: readonly string[]): boolean {
  const within = (p: string, s: string): boolean => p === s || p.startsWith(`${s}.`) || p.startsWith(`${s}[]`);
  let best: string | undefined;
  for (const e of examples) if (within(path, e.section) && (best === undefined || e.section.length > best.length)) best = e.section;
  if (best === undefined && top.includes(path.split(/[.[]/)[0]!)) return false;
  return best === section;
}

function anchor(section: string): string {
  return section
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}
