import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { md4 } from '../../adapters/ldap/md4.ts';

describe('ldap md4', () => {
  test('md4 – RFC 1320 appendix A.5 test suite', () => {
    const suite: [string, string][] = [
      ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
      ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
      ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
      ['message digest', 'd9130a8164549fe818874806e1c7014b'],
      ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
      ['1234567890'.repeat(8), 'e33b4ddc9c38f2199c3e7b164fcc0536'],
    ];
    for (const [input, digest] of suite) assert.equal(md4(Buffer.from(input, 'latin1')).toString('hex'), digest, input);
  });

  test('md4 – agrees with OpenSSL legacy MD4 on random inputs, block boundaries included', (t) => {
    // The oracle: a child node with OpenSSL's legacy provider, which still has md4. One process for all.
    const probe = spawnSync(process.execPath, ['--openssl-legacy-provider', '-e', "require('crypto').createHash('md4')"]);
    if (probe.status !== 0) {
      t.skip('this OpenSSL has no legacy provider');
      return;
    }
    const lengths = [55, 56, 57, 63, 64, 65, 119, 120, 128];
    const inputs = [
      ...lengths.map((n) => Buffer.alloc(n, 0x61)),
      ...fc.sample(fc.uint8Array({ maxLength: 300 }), { numRuns: 200, seed: 42 }).map((a) => Buffer.from(a)),
    ];
    const script =
      "const c=require('crypto');let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{" +
      "console.log(JSON.stringify(JSON.parse(s).map(h=>c.createHash('md4').update(Buffer.from(h,'hex')).digest('hex'))))})";
    const out = spawnSync(process.execPath, ['--openssl-legacy-provider', '-e', script], {
      input: JSON.stringify(inputs.map((b) => b.toString('hex'))),
      encoding: 'utf8',
    });
    assert.equal(out.status, 0, out.stderr);
    const expected = JSON.parse(out.stdout) as string[];
    for (const [i, b] of inputs.entries()) assert.equal(md4(b).toString('hex'), expected[i], `length ${b.length}`);
  });
});
