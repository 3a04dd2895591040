#!/usr/bin/env node
// Runs the compiled test layers with node's test runner. Usage: run-tests.mjs [unit|integration|scenario ...]
// Scenario tests need root and network namespaces; each file skips itself with a message otherwise.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const layers = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'scenario'];
const files = [];
function walk(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
}
for (const l of layers) walk(join('dist', 'test', l));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Scenario files share host-level resources (bridges, namespaces): run files one at a time.
const args = ['--test', '--test-reporter=spec', '--test-concurrency=1', '--unhandled-rejections=strict', ...files];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, HALB_TEST: '1' } });
process.exit(r.status ?? 1);
