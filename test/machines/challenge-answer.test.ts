import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isSmsRefresh, mapOptionAnswer } from '../../machines/challenge-answer.ts';
import { AUTH_FACTORS } from './support.ts';

describe('challenge-answer – reference facts (§9.3, §18 facts 9-12, §19.8)', () => {
  test('challenge-answer – an option number maps to its device (fact 9)', () => {
    assert.equal(mapOptionAnswer('1', AUTH_FACTORS), 'push1');
    assert.equal(mapOptionAnswer('3', AUTH_FACTORS), 'sms1');
  });
  test('challenge-answer – free text and default (fact 10)', () => {
    for (const t of ['push', 'phone', 'push2', '123456', 'sms', '6']) assert.equal(mapOptionAnswer(t, AUTH_FACTORS), t);
    assert.equal(mapOptionAnswer('default', AUTH_FACTORS), 'push1');
  });
  test('challenge-answer – exact key match only', () => {
    assert.equal(mapOptionAnswer(' 1', AUTH_FACTORS), ' 1');
    assert.equal(mapOptionAnswer('01', AUTH_FACTORS), '01');
    assert.equal(mapOptionAnswer('Default', AUTH_FACTORS), 'Default');
  });
  test('challenge-answer – an absent password is the empty answer', () => {
    assert.equal(mapOptionAnswer(undefined, AUTH_FACTORS), '');
  });
  test('challenge-answer – prototype names are not options', () => {
    for (const t of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) assert.equal(mapOptionAnswer(t, AUTH_FACTORS), t);
  });
  test('challenge-answer – sms refresh: sms + digit, anchored at the start only (facts 11, 12)', () => {
    for (const t of ['sms1', 'sms12', 'sms1abc', 'sms٣']) assert.ok(isSmsRefresh(t), t);
    for (const t of ['sms', 'SMS1', ' sms1', 'xsms1', 'smsx1', 'push1', '']) assert.ok(!isSmsRefresh(t), t);
  });
});

describe('challenge-answer – properties', () => {
  test('challenge-answer – maps exactly the own keys, passes everything else through', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 8 })), fc.string({ maxLength: 3 }), (factors, answer) => {
        const expected = Object.hasOwn(factors, answer) ? factors[answer] : answer;
        assert.equal(mapOptionAnswer(answer, factors), expected);
      }),
    );
  });
  test('challenge-answer – anything starting with sms and a digit refreshes', () => {
    fc.assert(fc.property(fc.integer({ min: 0 }), fc.string(), (n, tail) => assert.ok(isSmsRefresh(`sms${n}${tail}`))));
  });
});
