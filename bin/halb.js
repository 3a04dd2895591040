#!/usr/bin/env -S node --max-semi-space-size=4
// Entry for `halb` / `npx halb`: the compiled CLI (built by the prepare script, which runs on
// `npm ci` in a checkout and before `npm pack`; an installed package ships it in dist/).
// --max-semi-space-size=4: V8's young generation otherwise grows to 2 × 16 MiB under a burst of
// connections and keeps it: the bench's idle-connection RSS row went from 6.2–6.8 KB per
// connection to 5.2–5.5 KB, with http req/s and CPU per request unchanged within noise. V8 reads
// the flag only at start (v8.setFlagsFromString later has no effect), hence the shebang: it
// applies to `npx halb` and to bin/halb.js run as a program, not to `node bin/halb.js`.
import '../dist/src/cli/main.js';
