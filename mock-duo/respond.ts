// Duo's response envelopes and headers (duo-auth-api.md §1.1, §2.1): `{"stat":"OK","response":…}` or
// `{"stat":"FAIL","code":N,"message":…}` with the HTTP status taken from the code's first three digits.
import type { CoreResponse } from './exchange.ts';

/** What an endpoint answers, before it becomes a CoreResponse; the journal reads it too. */
export interface Reply {
  status: number;
  /** A JSON body, or raw bytes with their content type. */
  json?: unknown;
  bytes?: { data: Uint8Array; contentType: string };
  headers?: Record<string, string>;
  /** For the journal. */
  result?: string;
  statusText?: string;
  code?: number;
}

export function ok(response: unknown, journal: { result?: string; statusText?: string } = {}): Reply {
  return { status: 200, json: { stat: 'OK', response }, ...journal };
}

export function fail(code: number, message: string, detail?: string): Reply {
  return {
    status: Math.floor(code / 100),
    json: { stat: 'FAIL', code, message, ...(detail !== undefined ? { message_detail: detail } : {}) },
    code,
  };
}

export const Fails = {
  missingCredentials: () => fail(40101, 'Missing request credentials'),
  badIkey: () => fail(40102, 'Invalid integration key in request credentials'),
  badSignature: () => fail(40103, 'Invalid signature in request credentials'),
  badTimestamp: () => fail(40105, 'Bad request timestamp'),
  wrongType: () => fail(40301, 'Access forbidden', 'Wrong integration type for this API.'),
  invalidParams: (detail?: string) => fail(40002, 'Invalid request parameters', detail),
  notFound: () => fail(40401, 'Resource not found'),
  badMethod: () => fail(40501, 'Method not allowed'),
  tooMany: () => fail(42901, 'Too Many Requests'),
} as const;

// Duo's headers, made once; names lower-case and in sorted order, as they were when they went through
// Fetch Headers. Content-Length is the server's to add.
const SERVER: [string, string] = ['server', 'Duo/1.0'];
const SUCCESS: [string, string][] = [
  ['cache-control', 'no-store'],
  ['pragma', 'no-cache'],
  ['strict-transport-security', 'max-age=31536000'],
  ['content-security-policy', "default-src 'none'"],
];
const JSON_TYPE: readonly string[] = Object.freeze(['content-type', 'application/json']);

function flatSorted(pairs: [string, string][]): string[] {
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).flat();
}

function build(status: number, extra: Record<string, string> | undefined, contentType: string): string[] {
  const pairs: [string, string][] = [SERVER, ...(status === 200 ? SUCCESS : []), ['content-type', contentType]];
  for (const [k, v] of Object.entries(extra ?? {})) pairs.push([k.toLowerCase(), v]);
  return flatSorted(pairs);
}

const OK_JSON: readonly string[] = Object.freeze(build(200, undefined, 'application/json'));
const OTHER_JSON: readonly string[] = Object.freeze(build(0, undefined, 'application/json'));

function headersOf(reply: Reply, contentType: string | undefined): readonly string[] {
  if (reply.headers === undefined && contentType === undefined) return reply.status === 200 ? OK_JSON : OTHER_JSON;
  return build(reply.status, reply.headers, contentType ?? 'application/json');
}

export function toCoreResponse(reply: Reply): CoreResponse {
  if (reply.bytes) return { kind: 'reply', status: reply.status, headers: headersOf(reply, reply.bytes.contentType), body: reply.bytes.data };
  return { kind: 'reply', status: reply.status, headers: headersOf(reply, undefined), body: JSON.stringify(reply.json) };
}

/** A plain JSON answer (the control API): Content-Type only, no Duo headers. */
export function plainJson(body: unknown, status = 200): CoreResponse {
  return { kind: 'reply', status, headers: JSON_TYPE, body: JSON.stringify(body) };
}
