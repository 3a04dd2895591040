// A bind's accept queue is sized by the frontend's maxconn (HAProxy's default `backlog`), never
// below 1024, so a connection burst up to maxconn waits in the kernel instead of losing SYNs.
// Read back from the kernel with `ss` (Send-Q of a listening socket is its backlog); skipped
// without ss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startProxy, cleanup } from '../../helpers/proxy-harness.js';
import { backend, frontend, server } from '../../helpers/proxy-fixtures.js';
import { startHttpBackend } from '../../helpers/backends.js';

function somaxconn(): number {
  try {
    return Number(execFileSync('cat', ['/proc/sys/net/core/somaxconn'], { encoding: 'utf8' }).trim());
  } catch {
    return 4096;
  }
}

function backlog(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' });
    const f = out.trim().split(/\s+/);
    return f.length >= 3 ? Number(f[2]) : undefined;
  } catch {
    return undefined;
  }
}

test('the listen backlog follows the frontend maxconn, at least 1024, within somaxconn', async (t) => {
  const be = cleanup(t, await startHttpBackend('s1'));
  const h = await startProxy(t, [frontend('big', 'be', { maxconn: 3000 }), frontend('small', 'be', { maxconn: 50 }), frontend('none', 'be')], [backend('be', [server('s1', be.port)])]);
  const probe = backlog(h.port('none'));
  if (probe === undefined) return t.skip('ss not available');
  const cap = somaxconn();
  assert.equal(backlog(h.port('big')), Math.min(3000, cap));
  assert.equal(backlog(h.port('small')), Math.min(1024, cap));
  assert.equal(probe, Math.min(1024, cap));
});
