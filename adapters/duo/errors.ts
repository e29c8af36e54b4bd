// Building DuoErrors with the fail-open flag Duo's proxy would set (reference §6.3-6.4, §7). The
// decision depends on the call: a network error or timeout on /auth is fail-closed (Duo's proxy
// passes force_fail_closed there), the same error on preauth is fail-open.
import type { DuoError, DuoErrorKind } from '../../machines/contracts.ts';
import { cleanLine } from './sanitize.ts';

/** Which call failed. `auth` covers everything that belongs to one /auth (auth_v2: auth + auth_status). */
export type DuoCall = 'preauth' | 'auth' | 'check' | 'ping';

const MAX_MESSAGE = 500;

function error(kind: DuoErrorKind, failOpen: boolean, message: string, extra?: { httpStatus?: number; code?: number }): DuoError {
  const e: DuoError = { kind, failOpen, message: cleanLine(message).slice(0, MAX_MESSAGE) };
  if (extra?.httpStatus !== undefined) e.httpStatus = extra.httpStatus;
  if (extra?.code !== undefined) e.code = extra.code;
  return e;
}

/** Connection refused/reset, DNS, TLS verification, CONNECT refused. */
export function networkError(call: DuoCall, message: string): DuoError {
  return error('network', call !== 'auth', message);
}

/** api_timeout, the request bound, or the caller's deadline (its AbortSignal). */
export function timeoutError(call: DuoCall, message: string): DuoError {
  return error('timeout', call !== 'auth', message);
}

/** A 5xx: fail-open on every call, /auth included (§6.4). */
export function http5xxError(status: number, message: string, code?: number): DuoError {
  return error('http-5xx', true, message, code === undefined ? { httpStatus: status } : { httpStatus: status, code });
}

/** Any other non-200 without a usable JSON body, or a JSON FAIL with a non-5xx status (200 included). */
export function http4xxError(status: number, message: string, code?: number): DuoError {
  return error('http-4xx', false, message, code === undefined ? { httpStatus: status } : { httpStatus: status, code });
}

/** stat OK with a bad response, an unknown stat, invalid result/status/factors/prompt: fail-open. */
export function malformedError(message: string, httpStatus?: number): DuoError {
  return error('malformed', true, message, httpStatus === undefined ? undefined : { httpStatus });
}

/** 200 whose body is not JSON or lacks the envelope keys: fail-closed. */
export function invalid200Error(message: string): DuoError {
  return error('invalid-200', false, message, { httpStatus: 200 });
}

export function factorTooLongError(): DuoError {
  return error('factor-too-long', false, 'Factor or passcode length cannot exceed 2000');
}

export function rateLimitedError(attempts: number, code?: number): DuoError {
  return error('rate-limited', false, `HTTP 429 Too Many Requests after ${attempts} attempt(s)`, code === undefined ? { httpStatus: 429 } : { httpStatus: 429, code });
}
