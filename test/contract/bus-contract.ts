// One contract for every Bus implementation (style.md item 10): memory.test.ts and the NATS tests run it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { callEngine, serveEngine } from '../../adapters/bus/login-rpc.ts';
import type { Bus } from '../../adapters/bus/types.ts';

export function busContract(name: string, make: () => Promise<Bus[]>, done: (buses: Bus[]) => Promise<void>) {
  describe(`bus contract – ${name}`, () => {
    test(`${name} – publish reaches every plain subscriber, with wildcards`, async () => {
      const [a, b] = await make();
      try {
        const got: string[] = [];
        const all = new Promise<void>((resolve) => {
          const push = (tag: string) => (p: unknown, s: string) => {
            got.push(`${tag}:${s}:${(p as { n: number }).n}`);
            if (got.length === 3) resolve();
          };
          b!.subscribe('authproxy.events.>', push('gt'));
          b!.subscribe('authproxy.events.*.x1', push('star'));
          b!.subscribe('authproxy.events.srv.x1', push('exact'));
          b!.subscribe('authproxy.other', push('other'));
        });
        await b!.flush();
        a!.publish('authproxy.events.srv.x1', { n: 1 });
        await all;
        assert.deepEqual(got.sort(), ['exact:authproxy.events.srv.x1:1', 'gt:authproxy.events.srv.x1:1', 'star:authproxy.events.srv.x1:1']);
      } finally {
        await done([a!, b!]);
      }
    });

    test(`${name} – a queue group delivers each message to exactly one member`, async () => {
      const [a, b, c] = await make();
      try {
        const seen = new Map<number, number>();
        let count = 0;
        const finished = new Promise<void>((resolve) => {
          const h = (p: unknown) => {
            const n = (p as { n: number }).n;
            seen.set(n, (seen.get(n) ?? 0) + 1);
            if (++count === 50) setTimeout(resolve, 50);
          };
          b!.subscribe('work', h, { queue: 'engines' });
          c!.subscribe('work', h, { queue: 'engines' });
        });
        await Promise.all([b!.flush(), c!.flush()]);
        for (let n = 0; n < 50; n++) a!.publish('work', { n });
        await finished;
        assert.equal(count, 50);
        assert.ok([...seen.values()].every((v) => v === 1));
      } finally {
        await done([a!, b!, c!]);
      }
    });

    test(`${name} – a login request is answered on its reply subject; no engine means no answer`, async () => {
      const [listener, engine] = await make();
      try {
        const req = { loginId: 'L1', server: 'radius_server_auto', clientIp: '127.0.0.1', clientPort: 1, identifier: 7, authenticator: 'AA==', attributes: [], deadline: Date.now() + 1000 };
        assert.equal(await callEngine(listener!, { ...req, loginId: 'L0' }, 150), undefined);
        const sub = serveEngine(engine!, async (r) => ({ kind: 'reply', code: 2, replyMessage: `hi ${r.identifier}`, attributes: [] }));
        await engine!.flush();
        const reply = await callEngine(listener!, req, 2000);
        assert.deepEqual(reply, { loginId: 'L1', reply: { kind: 'reply', code: 2, replyMessage: 'hi 7', attributes: [] } });
        sub.unsubscribe();
      } finally {
        await done([listener!, engine!]);
      }
    });
  });
}
