#!/usr/bin/env node
// Writes schema/halb.schema.json from the zod schema of halb.yaml (src/config/yaml/schema.ts).
// Run by `npm run docs` (after the build); test/unit/config/schema.test.ts fails when the
// committed file is stale.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { halbJsonSchemaText } = await import(join(root, 'dist/src/config/yaml/json-schema.js'));
const out = join(root, 'schema/halb.schema.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, halbJsonSchemaText());
console.log(`wrote ${out}`);
