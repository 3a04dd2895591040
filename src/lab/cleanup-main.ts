// `node dist/src/lab/cleanup-main.js [PREFIX]`: removes leftovers of crashed labs (see cleanup.ts).
// Called by scripts/lab-cleanup.sh; labs also run it themselves on start.
import { cleanupStale } from './cleanup.js';
import { DEFAULT_PREFIX } from './names.js';
import { requireRoot } from './root.js';

const prefix = process.argv[2] ?? DEFAULT_PREFIX;
const skip = await requireRoot();
if (skip) {
  process.stdout.write(`lab-cleanup: ${skip}\n`);
} else {
  const r = await cleanupStale(prefix);
  process.stdout.write(
    `lab-cleanup (${prefix}): removed ${r.namespaces.length} namespace(s)${r.namespaces.length ? ` [${r.namespaces.join(' ')}]` : ''}, ` +
      `killed ${r.processes} process(es), removed ${r.dirs.length} work dir(s)\n`,
  );
}
