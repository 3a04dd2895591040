#!/usr/bin/env node
// Runs a command while one busy loop per core keeps the machine loaded, then stops the loops and
// exits with the command's status. CI runs the test suite through it once, so a test that only
// passes on an idle machine (one that sleeps where it should wait for an event) fails there
// rather than on a user's busy laptop.
//
//   node scripts/with-cpu-hog.mjs [--hogs N] [--max-seconds S] -- COMMAND [ARGS...]
//
// The loops run at normal priority: at nice 19 the scheduler gives them ~1.5% of a core against a
// nice-0 test, which loads nothing. With one loop per core every test process shares its core
// with a loop, the situation of a laptop building something in the background.
// Bounded twice: the loops are killed when the command ends (or this script gets SIGINT/SIGTERM),
// and each loop exits by itself after --max-seconds (default 1800) should this script be killed
// with SIGKILL.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const argv = process.argv.slice(2);
let hogs = availableParallelism();
let maxSeconds = 1800;
while (argv.length && argv[0] !== '--') {
  const opt = argv.shift();
  const val = Number(argv.shift());
  if (opt === '--hogs' && Number.isInteger(val) && val >= 0) hogs = val;
  else if (opt === '--max-seconds' && val > 0) maxSeconds = val;
  else usage(`bad option ${opt}`);
}
argv.shift();
if (argv.length === 0) usage('no command');

function usage(msg) {
  console.error(`with-cpu-hog: ${msg}\nusage: with-cpu-hog.mjs [--hogs N] [--max-seconds S] -- COMMAND [ARGS...]`);
  process.exit(2);
}

const loop = `const end = Date.now() + ${maxSeconds * 1000}; let i = 0; for (;;) { if ((++i & 0xfffff) === 0 && Date.now() > end) process.exit(0); }`;
const children = [];
for (let i = 0; i < hogs; i++) children.push(spawn(process.execPath, ['-e', loop], { stdio: 'ignore' }));
console.error(`with-cpu-hog: ${hogs} busy loop(s) running beside: ${argv.join(' ')}`);

const stopHogs = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
};
process.on('exit', stopHogs);

const started = Date.now();
const cmd = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => cmd.kill(sig));
cmd.on('error', (err) => {
  console.error(`with-cpu-hog: cannot run ${argv[0]}: ${err.message}`);
  process.exit(127);
});
cmd.on('exit', (code, signal) => {
  stopHogs();
  console.error(`with-cpu-hog: command ended after ${Math.round((Date.now() - started) / 1000)} s (${signal ?? `exit ${code}`}), busy loops stopped`);
  process.exit(code ?? 1);
});
