// Helpers for the Duo client's unit tests: a scripted Transport (the bytes the client would send are
// recorded; the answers are given by the test) and canned Duo bodies. Not a Duo server: the
// integration tests run the client against mock-duo for that.
import { clientOver } from '../../adapters/duo/client.ts';
import type { HttpRequest, HttpResult, Transport } from '../../adapters/duo/transport.ts';
import type { DuoClient, DuoClientOptions } from '../../adapters/duo/types.ts';

export const IKEY = 'DIWJ8X6AEYOR5OMC6TQ1';
export const SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep';
export const HOST = 'api-xxxxxxxx.duosecurity.com';

export type Answer = HttpResult | ((req: HttpRequest) => HttpResult | Promise<HttpResult>);

export interface Scripted extends Transport {
  sent: HttpRequest[];
}

/** Answers each request with the next scripted answer (the last one repeats). */
export function scriptedTransport(...answers: Answer[]): Scripted {
  const sent: HttpRequest[] = [];
  let i = 0;
  return {
    sent,
    async request(req) {
      sent.push(req);
      const a = answers[Math.min(i++, answers.length - 1)];
      if (a === undefined) throw new Error('no scripted answer');
      return typeof a === 'function' ? a(req) : a;
    },
    close() {},
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { ok: true, status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function raw(status: number, body: string, headers: Record<string, string> = {}): HttpResult {
  return { ok: true, status, headers, body };
}

export const ok = (response: unknown): HttpResult => json(200, { stat: 'OK', response });

export interface Harness {
  client: DuoClient;
  transport: Scripted;
  sleeps: number[];
}

/** A client over a scripted transport, with a virtual clock that the injected sleep advances. */
export function harness(opts: Partial<DuoClientOptions>, ...answers: Answer[]): Harness {
  const transport = scriptedTransport(...answers);
  const sleeps: number[] = [];
  let clock = Date.UTC(2012, 7, 21, 17, 29, 18);
  const client = clientOver(transport, {
    ikey: IKEY,
    skey: SKEY,
    apiHost: HOST,
    userAgent: 'authproxy-test/0',
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    ...opts,
  });
  return { client, transport, sleeps };
}
