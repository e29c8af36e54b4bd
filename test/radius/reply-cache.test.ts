// The duplicate-request cache (reference §5.1 step 7, 11) on virtual time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { fingerprint, ReplyCache } from '../../adapters/radius/reply-cache.ts';

const parts = fc.record({
  authenticator: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  userName: fc.option(fc.uint8Array({ maxLength: 3 }), { nil: undefined }),
  password: fc.option(fc.uint8Array({ maxLength: 3 }), { nil: undefined }),
});
const same = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a === undefined || b === undefined ? a === b : Buffer.from(a).equals(Buffer.from(b));

describe('radius reply cache', () => {
  test('radius reply cache – fingerprints are equal exactly when authenticator, User-Name and User-Password are', () => {
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        const equal = same(a.authenticator, b.authenticator) && same(a.userName, b.userName) && same(a.password, b.password);
        assert.equal(fingerprint(a).equals(fingerprint(b)), equal);
      }),
      { numRuns: 2000 },
    );
    // Absent and empty differ.
    const auth = new Uint8Array(16);
    assert.equal(fingerprint({ authenticator: auth, userName: undefined, password: undefined }).equals(fingerprint({ authenticator: auth, userName: new Uint8Array(0), password: undefined })), false);
  });

  test('radius reply cache – pending, answered for 30 s, then forgotten; a replaced entry is not overwritten late', () => {
    let now = 0;
    const cache = new ReplyCache({ now: () => now });
    const fp = fingerprint({ authenticator: new Uint8Array(16), userName: Buffer.from('a'), password: undefined });
    const other = fingerprint({ authenticator: new Uint8Array(16).fill(1), userName: Buffer.from('a'), password: undefined });
    assert.deepEqual(cache.lookup('k', fp), { kind: 'new' });
    const t1 = cache.begin('k', fp);
    assert.deepEqual(cache.lookup('k', fp), { kind: 'pending' });
    assert.deepEqual(cache.lookup('k', other), { kind: 'new' }, 'different content is a new request');
    cache.complete('k', t1, Buffer.from('reply'));
    assert.deepEqual(cache.lookup('k', fp), { kind: 'resend', bytes: Buffer.from('reply') });
    now = 29_999;
    assert.equal(cache.lookup('k', fp).kind, 'resend');
    now = 30_000;
    assert.deepEqual(cache.lookup('k', fp), { kind: 'new' });
    cache.sweep();
    assert.equal(cache.size, 0);

    const a = cache.begin('k', fp);
    const b = cache.begin('k', other);
    cache.complete('k', a, Buffer.from('late'));
    assert.deepEqual(cache.lookup('k', other), { kind: 'pending' }, 'the late answer of the replaced request is ignored');
    cache.complete('k', b, undefined);
    assert.deepEqual(cache.lookup('k', other), { kind: 'dropped' });
  });

  test('radius reply cache – sweep keeps pending entries and stops at the first live answer', () => {
    let now = 0;
    const cache = new ReplyCache({ now: () => now, ttlMs: 10 });
    const fp = (n: number) => fingerprint({ authenticator: new Uint8Array(16).fill(n), userName: undefined, password: undefined });
    cache.begin('pending', fp(0));
    const t1 = cache.begin('old', fp(1));
    cache.complete('old', t1, Buffer.from('x'));
    now = 5;
    const t2 = cache.begin('new', fp(2));
    cache.complete('new', t2, Buffer.from('y'));
    now = 12;
    cache.sweep();
    assert.equal(cache.size, 2);
    assert.equal(cache.lookup('new', fp(2)).kind, 'resend');
    assert.equal(cache.lookup('pending', fp(0)).kind, 'pending');
  });
});
