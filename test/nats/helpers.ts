// Shared bits of the NATS fault tests: a login request, polling until something holds.
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoginRequestMessage } from '../../adapters/bus/login-rpc.ts';

export function loginRequest(loginId: string, identifier = 1): Omit<LoginRequestMessage, 'replySubject'> {
  return {
    loginId,
    server: 'radius_server_auto',
    clientIp: '127.0.0.1',
    clientPort: 40000,
    identifier,
    authenticator: 'AAAAAAAAAAAAAAAAAAAAAA==',
    attributes: [],
    deadline: Date.now() + 5000,
  };
}

/** Polls `check` until it returns a value other than undefined; throws after `budgetMs` (a bound on
 *  how long the test may hang, not a speed assertion unless the issue states one). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, budgetMs: number, everyMs = 25): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still not true after ${budgetMs} ms`);
    await sleep(everyMs);
  }
}
