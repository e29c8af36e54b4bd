// The Duo response envelope, read as Duo's proxy reads it (reference §6.3, `_parse_response`):
// the body is parsed as JSON whatever the HTTP status, then `stat` decides.
//   stat OK    -> `response` must be a non-empty object, else malformed (fail-open)
//   stat FAIL  -> "<code>: <message>"; 5xx fail-open, any other status (200 included) fail-closed
//   other stat -> malformed (fail-open)
//   not JSON, or JSON without the keys -> non-200: "API request failed: HTTP Error <status>"
//                 (5xx fail-open, else fail-closed); 200: "Invalid Remote API Response" (fail-closed)
import type { DuoError } from '../../machines/contracts.ts';
import { http4xxError, http5xxError, invalid200Error, malformedError } from './errors.ts';

export type Envelope = { ok: true; response: Record<string, unknown> } | { ok: false; error: DuoError };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** A numeric Duo error code, or undefined when Duo sent something else (the Go client has seen ""). */
export function numericCode(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d{1,9}$/.test(v)) return Number(v);
  return undefined;
}

function failMessage(data: Record<string, unknown>): string {
  const detail = typeof data['message_detail'] === 'string' ? ` (${data['message_detail']})` : '';
  return `${String(data['code'])}: ${String(data['message'])}${detail}`;
}

function withoutKeys(status: number, body: string): Envelope {
  if (status === 200) return { ok: false, error: invalid200Error(`Invalid Remote API Response: ${JSON.stringify(body.slice(0, 120))}`) };
  const message = `API request failed: HTTP Error ${status}`;
  return { ok: false, error: status >= 500 && status <= 599 ? http5xxError(status, message) : http4xxError(status, message) };
}

export function readEnvelope(status: number, body: string): Envelope {
  const data = parseJson(body);
  if (!isRecord(data) || !('stat' in data)) return withoutKeys(status, body);
  const stat = data['stat'];
  if (stat === 'OK') {
    const response = data['response'];
    if (!isRecord(response) || Object.keys(response).length === 0) {
      return { ok: false, error: malformedError('Malformed API Response', status) };
    }
    return { ok: true, response };
  }
  if (stat === 'FAIL') {
    if (!('code' in data) || !('message' in data)) return withoutKeys(status, body);
    const message = failMessage(data);
    const code = numericCode(data['code']);
    return { ok: false, error: status >= 500 && status <= 599 ? http5xxError(status, message, code) : http4xxError(status, message, code) };
  }
  return { ok: false, error: malformedError(`Malformed API Response - unknown stat ${JSON.stringify(String(stat).slice(0, 40))}`, status) };
}
