// The Duo client's Transport answered by msw request handlers in process: each request becomes a Fetch
// Request handed to msw's `getResponse`, with no socket in between. Tests drive the real Duo client
// (signing, envelopes, classification, 429 back-off) against `mock.handlers` this way whatever HTTP
// library the production transport uses; msw's setupServer only sees node:http and fetch.
//
// Timing is the real transport's (adapters/duo/transport.ts): the exchange is bounded by budgetMs (at
// least MIN_EXCHANGE_MS) and by the caller's signal, so a mock fault that hangs or answers late gives
// the same 'timeout' result. There is no connect phase to bound.
import { getResponse, type RequestHandler } from 'msw';
import { type HttpRequest, type HttpResult, MIN_EXCHANGE_MS, type Transport } from '../adapters/duo/transport.ts';

export function createMswTransport(handlers: RequestHandler[], origin: string): Transport {
  const closing = new AbortController();
  return {
    async request(r: HttpRequest): Promise<HttpResult> {
      if (r.signal?.aborted) return { ok: false, kind: 'timeout', message: 'the login deadline passed before the request was sent' };
      const exchange = new AbortController();
      const signals = [exchange.signal, closing.signal, ...(r.signal ? [r.signal] : [])];
      const signal = AbortSignal.any(signals);
      // A ref'd timer, as the real transport's: AbortSignal.timeout would let a hung test's event loop empty.
      // An infinite budget (api_timeout = 0) waits the longest a timer can (24.8 days): setTimeout takes
      // Infinity as 1 ms, and with no timer at all an in-process hung exchange holds nothing open.
      const budgetMs = Math.min(Math.max(r.budgetMs, MIN_EXCHANGE_MS), 2 ** 31 - 1);
      const timer = setTimeout(() => exchange.abort(), budgetMs);
      const request = new Request(new URL(r.path, origin), {
        method: r.method,
        headers: r.headers,
        ...(r.body !== undefined ? { body: r.body } : {}),
        signal,
      });
      const aborted = new Promise<HttpResult>((resolve) =>
        signal.addEventListener(
          'abort',
          () =>
            resolve({
              ok: false,
              kind: 'timeout',
              message: exchange.signal.aborted ? `Duo did not answer within ${r.budgetMs} ms` : 'the login deadline passed before Duo answered',
            }),
          { once: true },
        ),
      );
      const answered = (async (): Promise<HttpResult> => {
        const res = await getResponse(handlers, request);
        if (!res) return { ok: false, kind: 'network', message: `no msw handler for ${r.method} ${r.path}` };
        if (res.type === 'error') return { ok: false, kind: 'network', message: 'connection reset by the mock' };
        const headers: Record<string, string> = {};
        for (const [k, v] of res.headers) headers[k] = v;
        return { ok: true, status: res.status, headers, body: await res.text() };
      })();
      try {
        return await Promise.race([answered, aborted]);
      } finally {
        clearTimeout(timer);
      }
    },
    close() {
      closing.abort();
    },
  };
}
