// The node:dns-based resolver against a hand-written DNS server on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAddressResolver } from '../../../src/dns/resolver.js';
import { startDnsServer } from '../../helpers/health/dns-server.js';
import { makeResolvers, ms } from '../../helpers/health/model.js';

test('resolvers section: A, AAAA fallback, NX, REFUSED, NODATA, timeout', async (t) => {
  const dns = await startDnsServer({
    'api.test': { a: ['127.0.0.10', '127.0.0.11'] },
    'v6.test': { aaaa: ['::1'] },
    'empty.test': {},
    'refused.test': 'refused',
    'slow.test': 'drop',
  });
  const resolver = createAddressResolver();
  t.after(async () => {
    resolver.close();
    await dns.close();
  });
  const section = makeResolvers({ name: 'dns', nameservers: [{ name: 'ns1', address: '127.0.0.1', port: dns.port }], timeoutRetry: ms(100), resolveRetries: 1 });
  assert.deepEqual(await resolver.query(section, 'api.test'), { status: 'valid', addresses: ['127.0.0.10', '127.0.0.11'] });
  assert.deepEqual(await resolver.query(section, 'v6.test'), { status: 'valid', addresses: ['::1'] });
  assert.equal((await resolver.query(section, 'missing.test')).status, 'nx');
  assert.equal((await resolver.query(section, 'refused.test')).status, 'refused');
  assert.equal((await resolver.query(section, 'empty.test')).status, 'other');
  const t0 = performance.now();
  assert.equal((await resolver.query(section, 'slow.test')).status, 'timeout');
  assert.ok(performance.now() - t0 < ms(3000));
  assert.ok(dns.queries.includes('api.test A'));
  assert.ok(dns.queries.includes('v6.test AAAA'));
});

test('libc lookup of localhost comes from /etc/hosts', async () => {
  const resolver = createAddressResolver();
  const a = await resolver.lookup('localhost');
  resolver.close();
  assert.equal(a.status, 'valid');
  assert.ok(a.addresses.some((x) => x === '127.0.0.1' || x === '::1'));
});
