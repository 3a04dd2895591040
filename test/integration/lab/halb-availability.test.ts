// halb's VRRP capability is detected from the CLI itself, never assumed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { halbAvailability, HALB_BIN } from '../../../src/lab/halb-node.js';

test('available only when `halb run --help` offers --keepalived', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halb-avail-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const withOpt = join(dir, 'with.mjs');
  const without = join(dir, 'without.mjs');
  const failing = join(dir, 'failing.mjs');
  writeFileSync(withOpt, "console.log('Usage: halb run [options]\\n  --keepalived <file>  run VRRP from keepalived.conf');\n");
  writeFileSync(without, "console.log('Usage: halb run [options]\\n  -c, --config <file>');\n");
  writeFileSync(failing, "console.error('boom'); process.exit(3);\n");
  assert.deepEqual(await halbAvailability(withOpt), { available: true, detail: 'halb run --keepalived' });
  assert.equal((await halbAvailability(without)).available, false);
  assert.match((await halbAvailability(failing)).detail, /failed: boom/);
  assert.match((await halbAvailability(join(dir, 'nope.mjs'))).detail, /missing/);
});

test('this build answers honestly (whatever the state of the VRRP runtime)', async () => {
  const a = await halbAvailability(HALB_BIN);
  const { run } = await import('../../../src/lab/run.js');
  const help = await run(process.execPath, [HALB_BIN, 'run', '--help'], { allowFail: true });
  assert.equal(a.available, /--keepalived\b/.test(help.stdout + help.stderr));
});
