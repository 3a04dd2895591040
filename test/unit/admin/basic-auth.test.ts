import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorized, parseBasicAuth } from '../../../src/admin/basic-auth.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

test('parseBasicAuth: the password is everything after the first colon (RFC 7617 §2)', () => {
  assert.deepEqual(parseBasicAuth(`Basic ${b64('ops:a:b')}`), { user: 'ops', password: 'a:b' });
  assert.deepEqual(parseBasicAuth(`basic ${b64('ops:')}`), { user: 'ops', password: '' });
  assert.deepEqual(parseBasicAuth(`Basic ${b64('jürgen:pässword')}`), { user: 'jürgen', password: 'pässword' });
  assert.equal(parseBasicAuth(undefined), undefined);
  assert.equal(parseBasicAuth(`Bearer ${b64('ops:x')}`), undefined);
  assert.equal(parseBasicAuth(`Basic ${b64('nocolon')}`), undefined);
  assert.equal(parseBasicAuth('Basic !!!'), undefined);
});

test('authorized: open without credentials configured, else one pair must match exactly', () => {
  assert.equal(authorized(undefined, []), true);
  const users = [
    { user: 'ops', password: 's3cret' },
    { user: 'ro', password: 'view' },
  ];
  assert.equal(authorized(undefined, users), false);
  assert.equal(authorized(`Basic ${b64('ops:s3cret')}`, users), true);
  assert.equal(authorized(`Basic ${b64('ro:view')}`, users), true);
  assert.equal(authorized(`Basic ${b64('ops:view')}`, users), false, 'password of another user');
  assert.equal(authorized(`Basic ${b64('ops:s3cre')}`, users), false, 'prefix of the password');
  assert.equal(authorized(`Basic ${b64('ops:s3cretX')}`, users), false, 'longer password');
  assert.equal(authorized(`Basic ${b64('OPS:s3cret')}`, users), false, 'user names are case-sensitive');
});
