// The committed JSON Schema must be what the zod schema generates today.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { halbJsonSchemaText } from '../../../src/config/yaml/json-schema.js';
import { ROOT } from './helpers.js';

test('schema/halb.schema.json is up to date (regenerate: npm run docs)', () => {
  const committed = readFileSync(join(ROOT, 'schema/halb.schema.json'), 'utf8');
  assert.equal(committed, halbJsonSchemaText(), 'schema/halb.schema.json is stale: run `npm run docs`');
});

test('the JSON Schema is strict and documents defaults', () => {
  const s = JSON.parse(halbJsonSchemaText()) as {
    additionalProperties: boolean;
    properties: Record<string, { default?: unknown; items?: { properties: Record<string, { default?: unknown }>; additionalProperties: boolean } }>;
  };
  assert.equal(s.additionalProperties, false);
  const backend = s.properties.backends!.items!;
  assert.equal(backend.additionalProperties, false);
  assert.equal(backend.properties.retries!.default, 3);
  assert.equal(backend.properties.mode!.default, 'tcp');
  const server = (backend.properties.servers as unknown as { items: { properties: Record<string, { default?: unknown }> } }).items;
  assert.equal(server.properties.inter!.default, 2000, 'defaults of duration fields are published too');
  assert.equal(server.properties.fall!.default, 3);
});
