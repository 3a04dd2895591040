import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_FDS, DERIVED_MAXCONN_CAP, fdBudget, fdNeeds, reserveOf, type FdNeeds } from '../../../src/daemon/fd-budget.js';
import type { HalbConfig } from '../../../src/config/model.js';
import { backend, frontend, server } from '../../helpers/proxy-fixtures.js';

const needs: FdNeeds = { listeners: 4, checks: 11, resolvers: 2, admin: 17, vrrp: 0, base: BASE_FDS };
const reserve = reserveOf(needs);

test('a configured maxconn that fits the soft limit is kept, nothing raised', () => {
  const b = fdBudget(1000, needs, { soft: 20000, hard: 20000 });
  assert.equal(b.maxconn, 1000);
  assert.equal(b.need, 2000 + reserve);
  assert.equal(b.raiseSoftTo, undefined);
  assert.equal(b.source, 'configured');
});

test('over the soft limit but within the hard one: raise the soft limit to the need (HAProxy)', () => {
  const b = fdBudget(5000, needs, { soft: 1024, hard: 1048576 });
  assert.equal(b.maxconn, 5000);
  assert.equal(b.raiseSoftTo, 10000 + reserve);
  assert.match(b.message, /raising the descriptor limit from 1024/);
});

test('over the hard limit: maxconn lowered so the reserve stays free, with the fix in the message', () => {
  const b = fdBudget(100000, needs, { soft: 1024, hard: 20000 });
  assert.equal(b.source, 'lowered');
  assert.equal(b.maxconn, Math.floor((20000 - reserve) / 2));
  assert.ok(2 * b.maxconn + reserve <= 20000);
  assert.equal(b.raiseSoftTo, 20000);
  assert.match(b.message, /maxconn 100000 needs 200\d+ descriptors .* lowered to \d+ .*LimitNOFILE/);
});

test('no global maxconn: derived from the hard limit (soft raised to fit, as HAProxy 2.6), capped under an unlimited one', () => {
  const b = fdBudget(undefined, needs, { soft: 1024, hard: 20000 });
  assert.equal(b.source, 'derived');
  assert.equal(b.maxconn, Math.floor((20000 - reserve) / 2));
  assert.equal(b.raiseSoftTo, 2 * b.maxconn + reserve);
  assert.equal(fdBudget(undefined, needs, { soft: 20000, hard: 20000 }).raiseSoftTo, undefined);
  assert.equal(fdBudget(undefined, needs, { soft: 4096, hard: Infinity }).maxconn, Math.floor((4096 - reserve) / 2));
  assert.equal(fdBudget(undefined, needs, { soft: Infinity, hard: Infinity }).maxconn, DERIVED_MAXCONN_CAP);
  assert.match(fdBudget(undefined, needs, { soft: Infinity, hard: Infinity }).message, /unlimited/);
});

test('a limit smaller than the reserve still leaves maxconn 1', () => {
  assert.equal(fdBudget(10, needs, { soft: 50, hard: 50 }).maxconn, 1);
});

test('needs come from the config: binds (twice: paused listeners keep a duplicate), checks, nameservers, stats', () => {
  const fe = frontend('fe', 'be', {
    binds: [
      { address: '127.0.0.1', port: 8080 },
      { address: '127.0.0.1', port: 8081 },
    ],
  });
  const be = backend('be', [server('s1', 9001, { check: true }), server('s2', 9002, { check: true }), server('s3', 9003)]);
  const cfg = {
    global: { maxconn: 100 },
    frontends: [fe],
    backends: [be],
    resolvers: [
      {
        name: 'dns',
        nameservers: [
          { name: 'a', address: '127.0.0.1', port: 53 },
          { name: 'b', address: '127.0.0.2', port: 53 },
        ],
      },
    ],
    stats: [{ name: 'stats', binds: [{ address: '127.0.0.1', port: 8404 }], uri: '/stats', auth: [], hideVersion: false }],
    vrrp: { globals: {}, scripts: [], trackFiles: [], instances: [], syncGroups: [] },
  } as unknown as HalbConfig;
  const n = fdNeeds(cfg);
  assert.equal(n.listeners, 4);
  assert.equal(n.checks, 2 + 8);
  assert.equal(n.resolvers, 4);
  assert.equal(n.admin, 1 + 16);
  assert.equal(n.vrrp, 0);
  const withVrrp = fdNeeds({ ...cfg, vrrp: { ...cfg.vrrp, instances: [{}, {}] } } as unknown as HalbConfig);
  assert.equal(withVrrp.vrrp, 8 + 4);
});
