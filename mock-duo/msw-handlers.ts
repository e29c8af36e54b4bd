// The mock as msw handlers, for `setupServer(...mock.handlers)` and `getResponse`: each one a thin
// wrapper that turns msw's Fetch Request into a CoreRequest, calls the core, and turns the answer back
// into a Response (a reset, or a client gone, is `HttpResponse.error()`: a network failure).
import { HttpResponse, http, type RequestHandler } from 'msw';
import type { Handle } from './core.ts';
import type { CoreRequest, CoreResponse } from './exchange.ts';

async function toCoreRequest(request: Request): Promise<CoreRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  // Fetch Headers iterate lower-cased names with repeated values already joined.
  for (const [k, v] of request.headers) headers[k] = v;
  headers['host'] ??= url.host;
  const method = request.method.toUpperCase();
  const body = method === 'GET' || method === 'HEAD' ? '' : Buffer.from(await request.arrayBuffer());
  return { method: request.method, path: url.pathname, query: url.search.slice(1), headers, body, signal: request.signal };
}

function toResponse(answer: CoreResponse): Response {
  if (answer.kind !== 'reply') return HttpResponse.error();
  const headers = new Headers();
  for (let i = 0; i + 1 < answer.headers.length; i += 2) headers.append(answer.headers[i]!, answer.headers[i + 1]!);
  return new Response(answer.body as ConstructorParameters<typeof Response>[0], { status: answer.status, headers });
}

export function mswHandlers(handle: Handle): RequestHandler[] {
  const resolver = async ({ request }: { request: Request }) => toResponse(await handle(await toCoreRequest(request)));
  // Duo paths first (the hot ones); /_mock/* never matches their patterns, so order is only speed.
  return [http.all('*/rest/v1/:endpoint', resolver), http.all('*/auth/v2/:endpoint', resolver), http.all('*/_mock/*', resolver)];
}
