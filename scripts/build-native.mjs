#!/usr/bin/env node
// Builds the native addon (native/, binding.gyp) with node-gyp during `npm ci` / `npm install`.
// Prefers the headers installed next to this node binary (Debian/NodeSource ship them in
// <prefix>/include/node), so the build never needs to download headers; falls back to
// node-gyp's own lookup otherwise. HALB_SKIP_NATIVE=1 skips the build (the load balancer
// works without it; VRRP then fails at start with a clear error).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

if (process.env.HALB_SKIP_NATIVE === '1') {
  console.error('build-native: HALB_SKIP_NATIVE=1, skipping the native addon');
  process.exit(0);
}
if (process.platform !== 'linux') {
  console.error('build-native: not Linux, skipping the native addon (VRRP needs Linux)');
  process.exit(0);
}

const args = ['rebuild'];
const prefix = dirname(dirname(process.execPath));
const versionH = join(prefix, 'include', 'node', 'node_version.h');
if (existsSync(versionH)) {
  const h = readFileSync(versionH, 'utf8');
  const v = ['MAJOR', 'MINOR', 'PATCH'].map((k) => h.match(new RegExp(`define NODE_${k}_VERSION (\\d+)`))?.[1]).join('.');
  if (`v${v}` === process.version) args.push(`--nodedir=${prefix}`);
}
// npm puts its bundled node-gyp on PATH for lifecycle scripts.
const r = spawnSync('node-gyp', args, { stdio: 'inherit' });
if (r.error) {
  console.error(`build-native: cannot run node-gyp: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status ?? 1);
