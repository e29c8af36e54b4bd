// Duo's response envelopes and headers (duo-auth-api.md §1.1, §2.1): `{"stat":"OK","response":…}` or
// `{"stat":"FAIL","code":N,"message":…}` with the HTTP status taken from the code's first three digits.

/** What an endpoint answers, before it becomes a Response; the journal reads it too. */
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

const COMMON = { Server: 'Duo/1.0' };
const SUCCESS_HEADERS = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'Strict-Transport-Security': 'max-age=31536000',
  'Content-Security-Policy': "default-src 'none'",
};

export function toResponse(reply: Reply): Response {
  const headers: Record<string, string> = { ...COMMON, ...(reply.status === 200 ? SUCCESS_HEADERS : {}), ...(reply.headers ?? {}) };
  if (reply.bytes) {
    headers['Content-Type'] = reply.bytes.contentType;
    return new Response(reply.bytes.data, { status: reply.status, headers });
  }
  headers['Content-Type'] = 'application/json';
  return new Response(JSON.stringify(reply.json), { status: reply.status, headers });
}
