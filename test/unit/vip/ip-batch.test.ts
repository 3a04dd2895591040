// IpBatch against a stand-in for `ip -o -force -batch -` (a small sh script speaking the same
// protocol): results come back in order, a failing command rejects with its error text and the
// ones after it still succeed, and a coprocess that dies hands queued commands to the fallback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IpBatch } from '../../../src/vip/ip-batch.js';
import { IpCommandError, type IpRunner } from '../../../src/vip/iproute.js';

// Reads lines; "link show dev lo" prints the marker; "addr add FAIL…" fails like ip -force does;
// "die" exits. Ignores the -o -force -batch - flags it is given.
const FAKE_IP = `#!/bin/sh
n=0
while IFS= read -r line; do
  n=$((n+1))
  case "$line" in
    "link show dev lo") echo "1: lo: <LOOPBACK,UP> mtu 65536" ;;
    *FAIL*) echo "Error: ipv4: Address already assigned."; echo "Command failed -:$n" ;;
    die) exit 3 ;;
    *) : ;;
  esac
done
`;

function setup(t: { after(f: () => void): void }): { batch: IpBatch; fallbackCalls: string[][] } {
  const dir = mkdtempSync(join(tmpdir(), 'halb-ipbatch-'));
  const bin = join(dir, 'fake-ip');
  writeFileSync(bin, FAKE_IP, { mode: 0o755 });
  const fallbackCalls: string[][] = [];
  const fallback: IpRunner = async (args) => {
    fallbackCalls.push([...args]);
    return { stdout: '', stderr: '' };
  };
  const batch = new IpBatch(fallback, bin);
  t.after(() => {
    batch.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { batch, fallbackCalls };
}

test('IpBatch runs commands in order and reports failures per command', async (t) => {
  const { batch, fallbackCalls } = setup(t);
  const run = batch.runner();
  const results = await Promise.allSettled([run(['addr', 'add', '10.0.0.1/24', 'dev', 'eth0']), run(['addr', 'add', 'FAIL/24', 'dev', 'eth0']), run(['addr', 'del', '10.0.0.1/24', 'dev', 'eth0'])]);
  assert.equal(results[0].status, 'fulfilled');
  assert.equal(results[1].status, 'rejected');
  const err = (results[1] as PromiseRejectedResult).reason as IpCommandError;
  assert.ok(err instanceof IpCommandError);
  assert.match(err.message, /Address already assigned/);
  assert.equal(results[2].status, 'fulfilled');
  assert.deepEqual(fallbackCalls, [], 'nothing went through exec');
});

test('IpBatch sends arguments the batch tokenizer would mangle through the fallback', async (t) => {
  const { batch, fallbackCalls } = setup(t);
  await batch.runner()(['addr', 'add', '10.0.0.1/24', 'dev', 'eth0', 'label', 'eth0:a b']);
  assert.deepEqual(fallbackCalls, [['addr', 'add', '10.0.0.1/24', 'dev', 'eth0', 'label', 'eth0:a b']]);
});

test('IpBatch hands queued commands to the fallback when the coprocess dies', async (t) => {
  const { batch, fallbackCalls } = setup(t);
  const run = batch.runner();
  await run(['addr', 'add', '10.0.0.1/24', 'dev', 'eth0']);
  const r = await Promise.allSettled([run(['die']), run(['addr', 'add', '10.0.0.2/24', 'dev', 'eth0'])]);
  assert.ok(r.every((x) => x.status === 'fulfilled'));
  assert.deepEqual(fallbackCalls, [['die'], ['addr', 'add', '10.0.0.2/24', 'dev', 'eth0']]);
  // And a fresh coprocess serves the next command.
  await run(['addr', 'add', '10.0.0.3/24', 'dev', 'eth0']);
  assert.equal(fallbackCalls.length, 2);
});
