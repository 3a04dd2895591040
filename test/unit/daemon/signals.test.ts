// The installer of the signal table, driven by process.emit (no real signal): one line per
// signal, the daemon's handler for its action, one stop however many stop signals come.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installSignals } from '../../../src/daemon/signals.js';
import { captureLogger } from '../../helpers/log-capture.js';

test('installSignals: dumps, reload, memory, ignore; stop once; no reload while stopping', async (t) => {
  const { logger, lines } = captureLogger();
  const calls: string[] = [];
  let finishStop!: () => void;
  const s = installSignals(logger, {
    stop: () => {
      calls.push('stop');
      return new Promise<void>((r) => (finishStop = r));
    },
    reload: async () => void calls.push('reload'),
    dump: (kind) => void calls.push(`dump-${kind}`),
  });
  t.after(() => s.uninstall());
  for (const sig of ['SIGUSR1', 'SIGUSR2', 'SIGHUP', 'SIGQUIT', 'SIGALRM', 'SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.emit(sig, sig);
  assert.deepEqual(calls, ['dump-data', 'dump-stats', 'reload', 'stop']);
  let stopped = false;
  void s.stopped.then(() => (stopped = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(stopped, false, 'stopped waits for the stop itself');
  finishStop();
  await s.stopped;
  await new Promise((r) => setImmediate(r));
  const got = lines.map((l) => [l.signal, l.action, l.msg]);
  assert.deepEqual(
    got.map((g) => g[0]),
    ['SIGUSR1', 'SIGUSR2', 'SIGHUP', 'SIGQUIT', 'SIGALRM', 'SIGTERM', 'SIGINT', 'SIGHUP'],
  );
  assert.ok(lines.every((l) => l.event === 'signal'));
  assert.equal(got[6]![2], 'received SIGINT, already stopping');
  assert.equal(got[7]![2], 'received SIGHUP while stopping, not reloaded');
  assert.equal(typeof lines[3]!.rss, 'number', 'SIGQUIT logs memory figures');
});
