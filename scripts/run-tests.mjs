#!/usr/bin/env node
// Runs the compiled test layers with node's test runner. Usage: run-tests.mjs [unit|integration|scenario ...]
// Scenario tests need root and network namespaces; each file skips itself with a message otherwise.
//
// Unit files are pure and integration files bind ports the OS picks and write under mkdtemp, so
// both run several files at once (HALB_TEST_CONCURRENCY overrides how many). Integration files
// listed in SERIAL share something host-wide and run alone after the parallel batch. Scenario files
// share host-level resources (bridges, namespaces) and run one at a time.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, sep } from 'node:path';

const SERIAL = new Set([]);
const concurrency = Number(process.env.HALB_TEST_CONCURRENCY) || Math.max(4, availableParallelism() * 2);

const layers = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration', 'scenario'];
function walk(dir, files) {
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, files);
    else if (name.endsWith('.test.js')) files.push(p);
  }
  return files;
}
const rel = (p) => p.split(sep).slice(3).join('/'); // dist/test/<layer>/x/y.test.js -> x/y.test.js
const parallel = [];
const serial = [];
for (const l of layers) {
  for (const f of walk(join('dist', 'test', l), [])) {
    if (l === 'scenario' || SERIAL.has(`${l}/${rel(f)}`)) serial.push(f);
    else parallel.push(f);
  }
}
if (parallel.length + serial.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
function run(files, n) {
  const args = ['--test', '--test-reporter=spec', `--test-concurrency=${n}`, '--unhandled-rejections=strict', ...files];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, HALB_TEST: '1' } });
  return r.status ?? 1;
}
let status = 0;
if (parallel.length) status = run(parallel, concurrency) || status;
if (serial.length) status = run(serial, 1) || status;
process.exit(status);
