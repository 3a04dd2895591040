#!/usr/bin/env node
// Installs halb the way a user outside the checkout does, and runs it from there:
//   npm pack → npm install -g --allow-scripts=halb --prefix TMP ./halb-*.tgz (builds the addon)
//   → halb --version, halb check on every shipped example, halb demo (answers, then stops cleanly).
// Also checks what the tarball holds: what the program needs, and no tests, benches or sources.
// CI runs it after the tests (.ci/run). Everything lives in one temporary directory, removed at
// the end; every step has a time limit. Needs the npm registry for halb's dependencies.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'halb-install-'));
const prefix = join(work, 'prefix');
const t0 = Date.now();

function step(msg) {
  console.log(`check-install [${((Date.now() - t0) / 1000).toFixed(1)} s] ${msg}`);
}

function fail(msg) {
  throw new Error(msg);
}

/** Runs a command to completion (bounded); returns stdout, fails with its output otherwise. */
function run(cmd, args, { cwd = work, timeoutMs = 120_000, env = process.env } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) {
    fail(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? (r.signal ? `killed by ${r.signal} after ${timeoutMs} ms` : `exit ${r.status}`)})\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  return r.stdout;
}

async function main() {
  step(`npm pack into ${work}`);
  run('npm', ['pack', '--pack-destination', work], { cwd: root, timeoutMs: 300_000 });
  const tgz = readdirSync(work).find((f) => f === `halb-${version}.tgz`) ?? fail(`no halb-${version}.tgz in ${work}`);

  const listed = run('tar', ['-tzf', tgz])
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^package\//, ''));
  const must = [
    'package.json',
    'LICENSE',
    'README.md',
    'bin/halb.js',
    'dist/src/cli/main.js',
    'binding.gyp',
    'scripts/build-native.mjs',
    'native/halb_native.c',
    'schema/halb.schema.json',
    'examples/demo.yaml',
    'docs/halb-yaml.md',
  ];
  for (const f of must) if (!listed.includes(f)) fail(`the tarball lacks ${f}`);
  const unwanted = listed.filter((p) => /^(test|bench|src|dist\/test|dist\/bench|build|node_modules)\//.test(p) || p.endsWith('.ts') || p.endsWith('.map'));
  if (unwanted.length) fail(`the tarball holds files a user does not need: ${unwanted.slice(0, 10).join(', ')}${unwanted.length > 10 ? ', …' : ''}`);
  step(`${tgz}: ${listed.length} files, nothing from test/, bench/ or src/`);

  // npm 11 runs a global package's install script (the addon build) only when allowed; without
  // the flag it warns. npm leaves the prefix directories to be made.
  step(`npm install -g --allow-scripts=halb --prefix ${prefix} ./${tgz}`);
  run('npm', ['install', '-g', '--allow-scripts=halb', '--no-audit', '--no-fund', '--prefix', prefix, `./${tgz}`], { timeoutMs: 600_000 });
  const pkgDir = join(prefix, 'lib', 'node_modules', 'halb');
  const addon = join(pkgDir, 'build', 'Release', 'halb_native.node');
  if (!existsSync(addon)) fail(`the install script did not build the addon (${addon} missing)`);
  createRequire(import.meta.url)(addon);
  step('the native addon was built and loads');

  const halb = join(prefix, 'bin', 'halb');
  const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` };
  const v = run(halb, ['--version'], { env }).trim();
  if (v !== version) fail(`halb --version printed '${v}', package.json says ${version}`);
  step(`halb --version: ${v}`);

  const examples = readdirSync(join(pkgDir, 'examples')).sort();
  if (examples.length === 0) fail('no examples installed');
  for (const f of examples) {
    const flag = f.endsWith('.yaml') ? '-c' : f.endsWith('.cfg') ? '--haproxy' : f.endsWith('.conf') ? '--keepalived' : undefined;
    if (!flag) continue;
    // --offline: the examples describe other machines (their interfaces, scripts, addresses);
    // the node-local checks are covered by the test suite.
    const out = run(halb, ['check', '--offline', flag, join(pkgDir, 'examples', f)], { env });
    step(`halb check --offline ${flag} examples/${f}: ${out.trim().split('\n').at(-1)}`);
  }

  await demo(halb, env);
  step('ok');
}

/** `halb demo --duration`: it must say it runs, answer through its http frontend, then exit 0. */
async function demo(halb, env) {
  const seconds = 8;
  step(`halb demo --duration ${seconds}`);
  const child = spawn(halb, ['demo', '--duration', String(seconds), '--log-level', 'warn'], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
  try {
    const until = Date.now() + (seconds - 1) * 1000;
    while (!out.includes('halb demo is running')) {
      if (Date.now() > until || child.exitCode !== null) fail(`halb demo did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const res = await fetch('http://127.0.0.1:8080/', { signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    if (res.status !== 200 || !/backend-\d/.test(body)) fail(`halb demo answered ${res.status}: ${body}`);
    step(`halb demo answered: ${body.trim()}`);
    const { code, signal } = await exited;
    if (code !== 0) fail(`halb demo ended with ${signal ?? `exit ${code}`}:\n${out}`);
    step('halb demo stopped by itself, exit 0');
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

try {
  await main();
} catch (err) {
  console.error(`check-install: FAILED: ${err.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
