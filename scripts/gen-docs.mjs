#!/usr/bin/env node
// Writes docs/halb-yaml.md, the halb.yaml reference, from the zod schema (src/config/yaml/schema.ts)
// through its JSON Schema. Run by `npm run docs` (after the build, with gen-schema.mjs);
// test/unit/config/reference.test.ts fails when the committed page is stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { halbJsonSchema } = await import(join(root, 'dist/src/config/yaml/schema.js'));
const { renderReference } = await import(join(root, 'dist/src/config/yaml/reference.js'));
const out = join(root, 'docs/halb-yaml.md');
writeFileSync(out, renderReference(halbJsonSchema()));
console.log(`wrote ${out}`);
