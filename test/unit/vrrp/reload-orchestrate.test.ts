// The VRRP side of a SIGHUP around the runtime: sockets first, an instance whose socket cannot
// be opened keeps its old definition (restart) or is not started (add); afterwards sockets of
// instances the runtime could not start are closed and the running config says what runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareVrrpReload, settleVrrpReload } from '../../../src/vrrp/reload-orchestrate.js';
import { emptyVrrpConfig, type VrrpConfig, type VrrpInstance } from '../../../src/config/model-vrrp.js';
import { silentLogger } from '../../../src/log/logger.js';
import { instance } from '../../helpers/vrrp-instance.js';

const cfg = (instances: VrrpInstance[]): VrrpConfig => ({ ...emptyVrrpConfig(), instances });

class Sock {
  closed = false;
  constructor(readonly name: string) {}
  close(): void {
    this.closed = true;
  }
}

const A = instance({ name: 'A', vrid: 1 });
const B = instance({ name: 'B', vrid: 2 });
const C = instance({ name: 'C', vrid: 3 });

test('nothing changed: no sockets opened', async () => {
  let opened = 0;
  const r = await prepareVrrpReload(cfg([A]), cfg([A]), async (d) => (opened++, new Sock(d.name)), silentLogger());
  assert.equal(r, undefined);
  assert.equal(opened, 0);
});

test('a socket that cannot be opened: an added instance is skipped, a restarted one keeps its old definition', async () => {
  const A2 = { ...A, interface: 'eth9' }; // interface change: restart
  const r = await prepareVrrpReload(
    cfg([A, B]),
    cfg([A2, B, C]),
    async (d) => {
      if (d.name === 'A' || d.name === 'C') throw new Error(`no ${d.interface}`);
      return new Sock(d.name);
    },
    silentLogger(),
  );
  assert.ok(r);
  assert.deepEqual(
    r.effective.instances.map((i) => [i.name, i.interface]),
    [
      ['A', 'eth0'],
      ['B', 'eth0'],
    ],
  );
  assert.equal(r.plan.unchanged, true);
  assert.equal(r.transports.size, 0);
});

test('settle: the runtime could not start an added instance: its socket closes, it is not in the running config', async () => {
  const r = await prepareVrrpReload(cfg([A, B]), cfg([A, C]), async (d) => new Sock(d.name), silentLogger());
  assert.ok(r);
  assert.deepEqual([...r.transports.keys()], ['C']);
  const table = new Map<string, Sock>([['A', new Sock('A')], ['B', new Sock('B')], ...r.transports]);
  const running = settleVrrpReload(r, [{ instance: 'C', action: 'add', error: 'boom' }], table);
  assert.equal(r.transports.get('C')!.closed, true);
  assert.deepEqual([...table.keys()], ['A', 'C']);
  assert.deepEqual(
    running.instances.map((i) => i.name),
    ['A'],
  );
});
