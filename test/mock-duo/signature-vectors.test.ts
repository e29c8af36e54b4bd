// The signing test vectors of reference duo-auth-api.md §1.8 (from Duo's own client tests and docs).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalize, encodeParams, hashXDuoHeaders, sha512Hex, sign } from '../../adapters/duo/signature.ts';

const hexOf = (authorization: string) => Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString().split(':')[1];

// duo_client_python tests/test_client.py: four unicode keys, one value each.
const UNICODE_PARAMS = {
  '\u469a\u287b\u35d0\u8ef3\u6727\u502a\u0810\ud091\u00c8\uc170': '\u0f45\u1a76\u341a\u654c\uc23f\u9b09\uabe2\u8343\u1b27\u60d0',
  '\u7449\u7e4b\uccfb\u59ff\ufe5f\u83b7\uadcc\u900c\ucfd1\u7813': '\u8db7\u5022\u92d3\u42ef\u207d\u8730\uacfe\u5617\u0946\u4e30',
  '\u7470\u9314\u901c\u9eae\u40d8\u4201\u82d8\u8c70\u1d31\ua042': '\u17d9\u0ba8\u9358\uaadf\ua42a\u48be\ufb96\u6fe9\ub7ff\u32f3',
  '\uc2c5\u2c1d\u2620\u3617\u96b3F\u8605\u20e8\uac21\u5934': '\ufba9\u41aa\ubd83\u840b\u2615\u3e6e\u652d\ua8b5\ud56bU',
};
const UNICODE_CANON =
  '%E4%9A%9A%E2%A1%BB%E3%97%90%E8%BB%B3%E6%9C%A7%E5%80%AA%E0%A0%90%ED%82%91%C3%88%EC%85%B0=%E0%BD%85%E1%A9%B6%E3%90%9A%E6%95%8C%EC%88%BF%E9%AC%89%EA%AF%A2%E8%8D%83%E1%AC%A7%E6%83%90&%E7%91%89%E7%B9%8B%EC%B3%BB%E5%A7%BF%EF%B9%9F%E8%8E%B7%EA%B7%8C%E9%80%8C%EC%BF%91%E7%A0%93=%E8%B6%B7%E5%80%A2%E9%8B%93%E4%8B%AF%E2%81%BD%E8%9C%B0%EA%B3%BE%E5%98%97%E0%A5%86%E4%B8%B0&%E7%91%B0%E9%8C%94%E9%80%9C%E9%BA%AE%E4%83%98%E4%88%81%E8%8B%98%E8%B1%B0%E1%B4%B1%EA%81%82=%E1%9F%99%E0%AE%A8%E9%8D%98%EA%AB%9F%EA%90%AA%E4%A2%BE%EF%AE%96%E6%BF%A9%EB%9F%BF%E3%8B%B3&%EC%8B%85%E2%B0%9D%E2%98%A0%E3%98%97%E9%9A%B3F%E8%98%85%E2%83%A8%EA%B0%A1%E5%A4%B4=%EF%AE%A9%E4%86%AA%EB%B6%83%E8%90%8B%E2%98%95%E3%B9%AE%E6%94%AD%EA%A2%B5%ED%95%ABU';

describe('signature – parameter encoding (duo_client_python canon_params tests)', () => {
  test('signature – empty, one, two params and booleans', () => {
    assert.equal(encodeParams({}), '');
    assert.equal(encodeParams({ realname: 'First Last' }), 'realname=First%20Last');
    assert.equal(encodeParams({ username: 'root', realname: 'First Last' }), 'realname=First%20Last&username=root');
    assert.equal(encodeParams({ words: 'First Last', success: true, digit: 5 }), 'digit=5&success=true&words=First%20Last');
    assert.equal(encodeParams({ success: false }), 'success=false');
  });
  test('signature – printable ASCII', () => {
    assert.equal(
      encodeParams({
        digits: '0123456789',
        letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
        punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
        whitespace: '\t\n\x0b\x0c\r ',
      }),
      'digits=0123456789&letters=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ&punctuation=%21%22%23%24%25%26%27%28%29%2A%2B%2C-.%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E_%60%7B%7C%7D~&whitespace=%09%0A%0B%0C%0D%20',
    );
  });
  test('signature – unicode keys and values, common prefix, repeated key', () => {
    assert.equal(encodeParams(UNICODE_PARAMS), UNICODE_CANON);
    assert.equal(encodeParams({ foo_bar: '2', foo: '1' }), 'foo=1&foo_bar=2');
    // duo_api_golang's repeated-key case: values sorted after encoding.
    assert.equal(
      encodeParams([
        ['username', 'H ell?o'],
        ['password', 'H-._~i'],
        ['password', "A(!'*)"],
      ]),
      'password=A%28%21%27%2A%29&password=H-._~i&username=H%20ell%3Fo',
    );
  });
});

describe('signature – §1.8 vectors', () => {
  const v1 = { date: 'Fri, 07 Dec 2012 17:18:00 -0000', method: 'PoSt', host: 'foO.BAr52.cOm', path: '/Foo/BaR2/qux', params: UNICODE_PARAMS };
  test('signature – V1 canonical v1 and v2 strings', () => {
    assert.equal(canonicalize({ version: 1, ...v1 }), `POST\nfoo.bar52.com\n/Foo/BaR2/qux\n${UNICODE_CANON}`);
    assert.equal(canonicalize({ version: 2, ...v1 }), `Fri, 07 Dec 2012 17:18:00 -0000\nPOST\nfoo.bar52.com\n/Foo/BaR2/qux\n${UNICODE_CANON}`);
  });
  test('signature – V1 duo_client_python HMAC-SHA1 and HMAC-SHA512', () => {
    const common = { ...v1, version: 2 as const, ikey: 'test_ikey', skey: 'gtdfxv9YgVBYcF6dl2Eq17KUQJN2PLM2ODVTkvoT' };
    const sha1 = sign({ ...common, digest: 'sha1' });
    assert.equal(sha1.authorization, `Basic ${Buffer.from('test_ikey:f01811cbbf9561623ab45b893096267fd46a5178').toString('base64')}`);
    assert.equal(
      hexOf(sign({ ...common, digest: 'sha512' }).authorization),
      '0508065035a03b2a1de2f453e629e791d180329e157f65df6b3e0f08299d4321e1c5c7a7c7ee6b9e5fc80d1fb6fbf3ad5eb7c44dd3b3985a02c37aca53ec3698',
    );
    assert.equal(sha1.date, v1.date);
    assert.equal(sha1.headers['Date'], v1.date);
  });

  const docs = { ikey: 'DIWJ8X6AEYOR5OMC6TQ1', skey: 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep', host: 'api-xxxxxxxx.duosecurity.com', date: 'Tue, 21 Aug 2012 17:29:18 -0000' };
  test("signature – V2 Duo's documentation example, SHA1, SHA512 and v5", () => {
    const base = { ...docs, version: 2 as const, method: 'POST', path: '/accounts/v1/account/list', params: { realname: 'First Last', username: 'root' } };
    assert.equal(sign({ ...base, digest: 'sha1' }).authorization, 'Basic RElXSjhYNkFFWU9SNU9NQzZUUTE6MmQ5N2Q2MTY2MzE5NzgxYjVhM2EwN2FmMzlkMzY2ZjQ5MTIzNGVkYw==');
    assert.equal(
      sign({ ...base, digest: 'sha512' }).authorization,
      'Basic RElXSjhYNkFFWU9SNU9NQzZUUTE6MWJmZmI4OTI0MzQ4ZjdkYjdkYTllN2Q3ZDc0OWRlZDkzYWFmZDAyZDhlOTA0OTYwZGE3Yjk2YzU3NTEwMjIwMTg1YTY0YTI4MjdlZThmMjRhYzVkMzA4MDJhOWVlOTdlNTlkZTQ0YjMwNGIxODI0MmYwZDU5NmQxNWE4MTIyYWY=',
    );
    const v5 = sign({ ...base, version: 5, params: { realname: 'First Last' }, body: '{"txid":"f22b1678-252a-4070-b176-0ca2be7319fd"}' });
    assert.equal(
      v5.authorization,
      'Basic RElXSjhYNkFFWU9SNU9NQzZUUTE6NzhmNDMyN2Y4MzExNzNjYzc4ZDA5MDdlOTEzZTNjNWEyOGZlNzJkZDQ1NDVhMzQyNTg2YmI2NzE4MWYyYmEzOTNkMjA5MTFlODcwMzYyZjZmYWJhM2RjNmY3ZTlkYjVlOTNhZWQyZjNiZmMxMTBjNmRhZGFmZjRkYzYxNzllMGI=',
    );
    assert.equal(v5.headers['Content-Type'], 'application/json');
  });

  test('signature – V3 duo_api_nodejs v2 and v5', () => {
    const base = { ikey: 'test_ikey', skey: 'test_skey', method: 'POST', host: 'test.duosecurity.com', path: '/test/v1', date: 'Tue, 21 Aug 2012 17:29:18 -0000' };
    assert.equal(
      sign({ ...base, version: 2, params: { realname: 'First Last', username: 'root' } }).authorization,
      'Basic dGVzdF9pa2V5OjA0MmEzMGM2ODJiZDgzNmZjNWJhNDY3ODkxYTk1NmVhYTEwMDkxY2EwZjczYTdmYjM5NmFlZmQ1NmEzNTI5ZTU2OTMyZGVhNDI3YTY3MjEzYWY2NjRiYTY4NDE2ODlmZjIzMzZiN2EzNzM3NjZlYTVhYjdhYjlmZTI2MzgyMjZi',
    );
    assert.equal(
      sign({ ...base, version: 5, body: '{"realname":"First Last","username":"root"}' }).authorization,
      'Basic dGVzdF9pa2V5OjdkMDI0MDlhMTUyNzY0ODQzY2NjZDgyODRkYTE1M2IzZmI0NDZiYWFkNWY5OTg4ODYzMjVlMjRiYzljZDRhMjQ0ZGU4NWFkNGJmYTdlYTI4NWQ2ODIwOWYxNjA4MzU2NzNkOGI0ZjFlMWIyM2Q5Y2Q1MjFkMjZiZmU3ZjM2NmE0',
    );
  });

  test('signature – V4 duo_hmac_python v5 with x-duo-date hashed', () => {
    const base = {
      version: 5 as const,
      ikey: 'DIABCDEFGHIJKLMNOPQR',
      skey: 'testtesttesttesttesttesttesttesttesttest',
      host: 'api-xxxxxxxx.duosecurity.com',
      path: '/api/path',
      date: 'Fri, 24 May 2024 12:00:00 -0000',
      dateHeader: 'X-Duo-Date' as const,
    };
    const get = sign({ ...base, method: 'GET' });
    assert.equal(
      get.authorization,
      'Basic RElBQkNERUZHSElKS0xNTk9QUVI6YzQ1NDYzOWQ3NWI0ZTNkOTliOGIxZDVlNDFjZDdiYjJkMmQ4YmE1NWY2ODExZjc4NmRmYjBlZGQ0ZmFjZDJmM2E1ZTZkNmM4MzdmMzFmNjgyNjcwNjMyNWI0ZWQ3ZGNkYzVmMTExNjQ5NDhlNTdhNzAzMmE1MjQ5OTBlMDE1ODM=',
    );
    assert.equal(get.headers['X-Duo-Date'], base.date);
    assert.equal(get.headers['Date'], undefined);
    assert.equal(
      sign({ ...base, method: 'POST', body: '{"foo":"bar"}' }).authorization,
      'Basic RElBQkNERUZHSElKS0xNTk9QUVI6NjQzNzcwYWYzMTAwNmM1ODRhNzU4ZDkyNjI1MGU0NmE5MGQ3OTEwMGQyMWY3YTAzMTNjM2U3N2Q2NGZhM2M1ZDJjOTRlMmM5MDgxYTJiNjUzNDNjYzNkNWYyZWQyMWY3MzAwZWE1MGIwMDY0MGNiMTc2MGYzMjMxOTIzMDdkMzc=',
    );
    assert.equal(
      sign({ ...base, method: 'POST', body: '{"bool":"true","foo":"bar","one":"1"}', xDuoHeaders: { 'x-duo-foo': 'bar', 'x-duo-bar': 'foo' } }).authorization,
      'Basic RElBQkNERUZHSElKS0xNTk9QUVI6ZGVmN2I3MzU5YjAzOTk1NDNiNjFkM2QxYTQyNTJjMTkwOGViNDg2MDM5MTY4YWE3ZDFjOTM1NDVmMDUyZTEyMTA2MmU0ZDBkM2NhZTgwZjBmMTI1ZGM0OTdjNDNjNTNiNjJjOWRiNThjYWNkMjEzOTRhM2IxN2FkOTcyZTM3OTM=',
    );
  });

  test('signature – V5 x-duo header hash alone, and the empty hashes', () => {
    assert.equal(
      hashXDuoHeaders({ 'X-Duo-Header-1': 'header_value_1' }),
      '630b4bfe7e9abd03da2eee8f0a5d4e60a254ec880a839bcc2223bb5b9443e8ef24d58f0254f1f5934bf8c017ebd0fd5b1acf86766bdbe74185e712a4092df3ed',
    );
    assert.equal(
      hashXDuoHeaders({ 'x-duo-A': 'header_value_1', 'X-Duo-B': 'header_value_2', 'Content-Type': 'x' }),
      '60be11a30e0756f2ee2afdce1db849b987dcf86c1133394bd7bbbc9877920330c4d78aceacbb377ab8cbd9a8efe6a410fed4047376635ac71226ab46ca10d2b1',
    );
    assert.equal(hashXDuoHeaders({}), sha512Hex(''));
    assert.equal(
      sha512Hex('{}'),
      '27c74670adb75075fad058d5ceaf7b20c4e7786c83bae8a32f626f9782af34c9a33c2046ef60fd2a7878d378e29fec851806bbd9a67878f3a9f1cda4830763fd',
    );
  });

  test('signature – V6 self-computed Auth API requests', () => {
    const pre = { ...docs, method: 'POST', path: '/auth/v2/preauth' };
    const a = sign({ ...pre, version: 2, params: { username: 'alice', ipaddr: '192.0.2.10' }, digest: 'sha1' });
    assert.equal(a.canonical, `${docs.date}\nPOST\napi-xxxxxxxx.duosecurity.com\n/auth/v2/preauth\nipaddr=192.0.2.10&username=alice`);
    assert.equal(hexOf(a.authorization), '571afcd6563ba9dddbede6f47b33e9173929c8b9');
    assert.equal(a.body, 'ipaddr=192.0.2.10&username=alice');
    assert.equal(
      hexOf(sign({ ...pre, version: 2, params: { username: 'alice', ipaddr: '192.0.2.10' }, digest: 'sha512' }).authorization),
      '0d5f85e7e7abae03c9261d6a033381e615ea9e09c7689a6c6db28724c627112f67c0ff8a66f33ce4e99a5dd3f358cefb45690180a16a3e717c1292c29ba81de5',
    );
    const b = sign({ ...pre, version: 5, body: '{"ipaddr":"192.0.2.10","username":"alice"}' });
    assert.equal(b.canonical.split('\n')[4], '');
    assert.equal(
      b.canonical.split('\n')[5],
      '70fdf5176f12ed0c5f0d5cbc89287009585d5260b44f38b0d1fb7cac47fb9e5bb2f98c3853c83bae023bf9baf6f8e85273b50fe4c324c537ddc0cc7a869dde25',
    );
    assert.equal(
      hexOf(b.authorization),
      '813e030f29aa78af56921d0dda0ef338a41539a71bbed80e103473215ab92c7d09b60edca00834e9c2d604dc0239590d4f02bc303a367d75d0372f99e0f0a45a',
    );
    const c = sign({ ...docs, version: 5, method: 'GET', path: '/auth/v2/auth_status', params: { txid: 'f22b1678-252a-4070-b176-0ca2be7319fd' } });
    assert.equal(c.canonical.split('\n')[4], 'txid=f22b1678-252a-4070-b176-0ca2be7319fd');
    assert.equal(
      hexOf(c.authorization),
      'd4b95cdd2c95ae550836e51482cf9e598533c9ddca02099ce77363c0c57cb417ac4661131865554e98dced71b385b556ca3e862db641656b48a2d69a80b2ede0',
    );
    assert.equal(c.body, undefined);
  });

  test("signature – v1 as Duo's proxy signs /rest/v1 (no date, SHA-1, body = canonical params)", () => {
    const r = sign({ version: 1, method: 'POST', host: 'API-X.duosecurity.com', path: '/rest/v1/auth', params: { user: 'alice', factor: 'auto', auto: 'push1', ipaddr: '10.0.0.5' }, ikey: 'DIWJ8X6AEYOR5OMC6TQ1', skey: docs.skey });
    assert.equal(r.canonical, 'POST\napi-x.duosecurity.com\n/rest/v1/auth\nauto=push1&factor=auto&ipaddr=10.0.0.5&user=alice');
    assert.equal(r.date, undefined);
    assert.equal(r.headers['Date'], undefined);
    assert.equal(r.body, 'auto=push1&factor=auto&ipaddr=10.0.0.5&user=alice');
    assert.equal(hexOf(r.authorization)?.length, 40);
  });
});
