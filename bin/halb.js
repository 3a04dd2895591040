#!/usr/bin/env node
// Entry for `npx halb`: the compiled CLI (built by `npm ci` through the prepare script).
import '../dist/src/cli/main.js';
