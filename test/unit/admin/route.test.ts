import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeAdmin } from '../../../src/admin/route.js';

test('stats URI is a prefix match at a boundary, with ;json and ?format=json forms', () => {
  const r = (url: string, uri = '/stats', method = 'GET') => routeAdmin(method, url, uri).kind;
  assert.equal(r('/metrics'), 'metrics');
  assert.equal(r('/metrics?x=1'), 'metrics');
  assert.equal(r('/stats'), 'status');
  assert.equal(r('/stats;json'), 'status');
  assert.equal(r('/stats?format=json'), 'status');
  assert.equal(r('/statsfoo'), 'not-found');
  assert.equal(r('/'), 'not-found');
  assert.equal(r('/metricsx'), 'not-found');
  // HAProxy's default URI carries a query string of its own.
  assert.equal(r('/haproxy?stats', '/haproxy?stats'), 'status');
  assert.equal(r('/haproxy?stats;json', '/haproxy?stats'), 'status');
  assert.equal(r('/haproxy', '/haproxy?stats'), 'not-found');
  // A trailing-slash URI covers everything under it.
  assert.equal(r('/admin/anything', '/admin/'), 'status');
  // Stats URI set to /metrics: the status document wins, as the operator asked for it.
  assert.equal(r('/metrics', '/metrics'), 'status');
});

test('only GET and HEAD are served; unknown paths stay 404 whatever the method', () => {
  assert.equal(routeAdmin('HEAD', '/metrics', '/stats').kind, 'metrics');
  assert.equal(routeAdmin('POST', '/metrics', '/stats').kind, 'method-not-allowed');
  assert.equal(routeAdmin('DELETE', '/stats', '/stats').kind, 'method-not-allowed');
  assert.equal(routeAdmin('POST', '/zzz', '/stats').kind, 'not-found');
});
