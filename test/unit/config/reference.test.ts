// docs/halb-yaml.md is rendered from the schema: the committed page must be today's rendering, every
// key must be documented with a description, and the examples must be valid and show every key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { halbJsonSchema, halbYamlSchema } from '../../../src/config/yaml/schema.js';
import { referenceRows, renderReference, durationText, type JsonSchema } from '../../../src/config/yaml/reference.js';
import { REFERENCE_EXAMPLES } from '../../../src/config/yaml/reference-examples.js';
import { ROOT } from './helpers.js';

const schema = halbJsonSchema() as JsonSchema;

test('docs/halb-yaml.md is up to date (regenerate: npm run docs)', () => {
  const committed = readFileSync(join(ROOT, 'docs/halb-yaml.md'), 'utf8');
  assert.equal(committed, renderReference(schema), 'docs/halb-yaml.md is stale: run `npm run docs`');
});

test('every key of the schema has a row with a type and a description', () => {
  const rows = referenceRows(schema);
  const paths = new Set(rows.map((r) => r.path));
  for (const p of ['global.maxconn', 'backends[].servers[].inter', 'backends[].healthCheck.steps[].pattern', 'vrrp.instances[].notify.users.any.group', 'frontends[].binds[].port'])
    assert.ok(paths.has(p), `row for ${p}`);
  for (const r of rows) {
    assert.notEqual(r.description, '', `${r.path} has a description (add .meta({ description }) in schema.ts)`);
    assert.notEqual(r.type, 'any', `${r.path} has a type`);
  }
});

test('every key appears in a table of the page, exactly once', () => {
  const page = renderReference(schema);
  for (const r of referenceRows(schema)) {
    const n = page.split(`| \`${r.path}\` |`).length - 1;
    assert.equal(n, 1, `${r.path} is listed once (found ${n})`);
  }
});

test('rows carry defaults, allowed values and the variant of a tagged union', () => {
  const row = (p: string) => referenceRows(schema).find((r) => r.path === p)!;
  assert.equal(row('backends[].servers[].inter').defaultText, '`2s`');
  assert.equal(row('backends[].servers[].inter').type, 'duration');
  assert.equal(row('backends[].servers[].initAddr').defaultText, '`[last, libc]`');
  assert.equal(row('backends[].mode').allowed, '`tcp`, `http`');
  assert.equal(row('backends[].healthCheck.type').allowed, '`tcp`, `tcp-check`, `http`, `ssl-hello`');
  assert.match(row('backends[].healthCheck.uri').description, /^With `type: http`: /);
  assert.equal(row('vrrp.instances[].version').allowed, '`2`, `3`');
  assert.equal(row('vrrp.instances[].vrid').allowed, '1–255');
  assert.equal(row('vrrp.instances[].vrid').required, true);
  assert.equal(row('vrrp.instances[].priority').required, false);
  assert.equal(durationText(0), '0');
  assert.equal(durationText(1500), '1500ms');
  assert.equal(durationText(30_000), '30s');
});

test('each example passes the schema on its own', () => {
  for (const ex of REFERENCE_EXAMPLES) {
    const r = halbYamlSchema.safeParse(parse(ex.yaml));
    assert.ok(r.success, `${ex.section} example: ${r.success ? '' : JSON.stringify(r.error.issues)}`);
  }
});

/** Key paths of a parsed YAML value, in the reference's notation. */
function pathsOf(v: unknown, prefix: string, out: Set<string>): void {
  if (Array.isArray(v)) for (const x of v) pathsOf(x, `${prefix}[]`, out);
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      const p = prefix === '' ? k : `${prefix}.${k}`;
      out.add(p);
      pathsOf(x, p, out);
    }
}

test('the examples show every key of the schema', () => {
  const shown = new Set<string>();
  for (const ex of REFERENCE_EXAMPLES) pathsOf(parse(ex.yaml), '', shown);
  const missing = referenceRows(schema)
    .map((r) => r.path)
    .filter((p) => !shown.has(p));
  assert.deepEqual(missing, [], 'keys without an example in src/config/yaml/reference-examples.ts');
});
