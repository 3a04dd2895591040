// The signal table: every row is a real, catchable signal; keepalived's dump signals and the
// other "please report" signals never stop or kill halb; Node's own ignores stay Node's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { HANDLED_SIGNALS, SIGNAL_TABLE, signalMessage } from '../../../src/daemon/signal-table.js';

test('signal table: every row is a signal of this platform that a process may catch', () => {
  for (const s of HANDLED_SIGNALS) {
    assert.ok(s in constants.signals, `${s} is a signal`);
    assert.ok(!['SIGKILL', 'SIGSTOP'].includes(s));
  }
});

test('signal table: keepalived habits and reports keep halb running; TERM/INT stop it', () => {
  assert.equal(SIGNAL_TABLE.SIGUSR1.action, 'dump-data');
  assert.equal(SIGNAL_TABLE.SIGUSR2.action, 'dump-stats');
  assert.equal(SIGNAL_TABLE.SIGHUP.action, 'reload');
  assert.equal(SIGNAL_TABLE.SIGQUIT.action, 'memory');
  assert.equal(SIGNAL_TABLE.SIGTERM.action, 'stop');
  assert.equal(SIGNAL_TABLE.SIGINT.action, 'stop');
  // Node ignores these already; a listener would log once per failed write.
  assert.ok(!HANDLED_SIGNALS.includes('SIGPIPE' as never));
  assert.ok(!HANDLED_SIGNALS.includes('SIGXFSZ' as never));
});

test('signal table: every signal whose default ends the process and that is sent by hand has a row', () => {
  // Fatal by default (signal(7)), catchable, and not a crash report (SEGV, BUS, FPE, ILL, ABRT,
  // TRAP, SYS keep their core dump) nor ignored by Node (PIPE, XFSZ).
  const fatal = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGVTALRM', 'SIGPROF', 'SIGIO', 'SIGXCPU', 'SIGPWR', 'SIGSTKFLT'];
  for (const s of fatal) if (s in constants.signals) assert.ok(HANDLED_SIGNALS.includes(s as never), `${s} has a row`);
});

test('signal messages: one line per action, stop and reload say when a stop is under way', () => {
  assert.equal(signalMessage('SIGTERM', false), 'received SIGTERM, stopping');
  assert.equal(signalMessage('SIGTERM', true), 'received SIGTERM, already stopping');
  assert.equal(signalMessage('SIGHUP', true), 'received SIGHUP while stopping, not reloaded');
  assert.equal(signalMessage('SIGUSR1', false), "received SIGUSR1: writing keepalived's data dump");
  assert.equal(signalMessage('SIGUSR2', false), "received SIGUSR2: writing keepalived's stats dump");
  assert.match(signalMessage('SIGALRM', false), /ignored$/);
  for (const s of HANDLED_SIGNALS) assert.ok(signalMessage(s, false).startsWith(`received ${s}`));
});
