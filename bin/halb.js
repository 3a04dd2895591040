#!/usr/bin/env -S node --max-semi-space-size=4 --inspect-port=0.0.0.1:9229
// Entry for `halb` / `npx halb`: the compiled CLI (built by the prepare script, which runs on
// `npm ci` in a checkout and before `npm pack`; an installed package ships it in dist/).
// --max-semi-space-size=4: V8's young generation otherwise grows to 2 × 16 MiB under a burst of
// connections and keeps it: the bench's idle-connection RSS row went from 6.2–6.8 KB per
// connection to 5.2–5.5 KB, with http req/s and CPU per request unchanged within noise. V8 reads
// the flag only at start (v8.setFlagsFromString later has no effect), hence the shebang: it
// applies to `npx halb` and to bin/halb.js run as a program, not to `node bin/halb.js`.
// --inspect-port=0.0.0.1:9229: a SIGUSR1 that arrives while Node starts, before any JS can catch
// it, would open the inspector on 127.0.0.1:9229 (code execution as root for any local user);
// 0.0.0.1 is in 0.0.0.0/8, which no host configures, so that start fails ("address not
// available"). Node 20 has no --disable-sigusr1. From the first module on, the process guard
// catches SIGUSR1 (src/cli/process-guard.ts).
// The process guard first, alone: SIGUSR1 must not open Node's inspector while the rest of the
// CLI loads (src/cli/process-guard.ts); main.js imports it too, for `node dist/src/cli/main.js`.
import '../dist/src/cli/process-guard.js';
await import('../dist/src/cli/main.js');
