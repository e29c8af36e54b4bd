// Properties of whole logins with fake actors: what reaches the wire always fits RADIUS.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { REPLY_MESSAGE_MAX_BYTES, splitReplyMessage } from '../../machines/reply.ts';
import { utf8Length } from '../../machines/utf8.ts';
import { authOk, makeInput, preauthOk, primaryOk, runLogin } from './support.ts';

const text = (maxLength: number) => fc.string({ unit: fc.constantFrom('a', ' ', '\n', '<', '&', 'ü', '€', '用', '😀', '1'), maxLength });
const factors = fc.dictionary(fc.stringMatching(/^([0-9]{1,2}|default)$/), fc.stringMatching(/^(push|phone|sms)[0-9]{1,2}$/), { maxKeys: 30 });

describe('login properties – sizes on the wire', () => {
  test('login properties – a challenge prompt never exceeds 253 UTF-8 bytes, whatever Duo sends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('console', 'html', 'short' as const), text(600), factors, async (promptFormat, prompt, f) => {
        const r = await runLogin(makeInput('radius_server_challenge', {}, { promptFormat }), {
          primary: primaryOk(),
          preauth: preauthOk({ result: 'auth', prompt, factors: f }),
        });
        assert.equal(r.settled.status, 'challenge');
        assert.ok(r.settled.reply.kind === 'reply' && utf8Length(r.settled.reply.replyMessage ?? '') <= 253);
        r.actor.stop();
      }),
      { numRuns: 60 },
    );
  });

  test('login properties – every Reply-Message splits into ≤253-byte attributes and never exceeds the cap', async () => {
    await fc.assert(
      fc.asyncProperty(text(1200), fc.constantFrom('allow', 'deny' as const), async (status, result) => {
        const r = await runLogin(makeInput('radius_server_duo_only', { password: 'push' }), {
          preauth: preauthOk({ result: 'auth', prompt: 'p', factors: {} }),
          auth: authOk(result, status),
        });
        const msg = r.settled.reply.kind === 'reply' ? (r.settled.reply.replyMessage ?? '') : '';
        assert.ok(utf8Length(msg) <= REPLY_MESSAGE_MAX_BYTES);
        assert.ok(status.startsWith(msg), 'only ever cut at the end');
        if (utf8Length(status) <= REPLY_MESSAGE_MAX_BYTES) assert.equal(msg, status);
        for (const chunk of splitReplyMessage(msg)) assert.ok(utf8Length(chunk) <= 253);
      }),
      { numRuns: 60 },
    );
  });

  test('login properties – auto mode tries the part before the last delimiter first, then the whole password', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom('a', ',', 'ü', '😀', '1'), maxLength: 12 }), fc.boolean(), async (password, firstOk) => {
        fc.pre(password !== '');
        const r = await runLogin(makeInput('radius_server_auto', { password: `${password}` }), {
          primary: [firstOk ? primaryOk() : { ok: false, message: 'no', attributes: [] }, primaryOk()],
          preauth: preauthOk({ result: 'allow', status: 'ok' }),
        });
        const tried = r.calls.primary.map((c) => c.password);
        const at = password.lastIndexOf(',');
        // An empty factor (`pw,`) still splits; an empty password part is still tried (primary rejects it).
        if (at < 0) assert.deepEqual(tried, [password]);
        else assert.deepEqual(tried, firstOk ? [password.slice(0, at)] : [password.slice(0, at), password]);
      }),
      { numRuns: 80 },
    );
  });
});
