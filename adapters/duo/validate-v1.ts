// Validating /rest/v1 preauth and auth responses (reference §6.3). Anything that does not fit is
// `Malformed API Response - invalid or missing '<key>'`, fail-open. Texts are cleaned here, once,
// so nothing downstream ever sees a control character from Duo.
import type { AuthResult, DuoOutcome, PreauthResult } from '../../machines/contracts.ts';
import { isRecord } from './envelope.ts';
import { malformedError } from './errors.ts';
import { cleanLine, cleanPrompt } from './sanitize.ts';

function invalid<T>(key: string): DuoOutcome<T> {
  return { ok: false, error: malformedError(`Malformed API Response - invalid or missing '${key}'`) };
}

/** Group names as strings; anything else in the list is ignored (only duo_only reads them). */
export function readGroups(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((g): g is string => typeof g === 'string').map(cleanLine);
}

/** `factors` must be an object of strings: option number (or "default") to a factor name. */
export function readFactors(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') return undefined;
    out[cleanLine(k)] = cleanLine(val);
  }
  return out;
}

export function validatePreauthV1(r: Record<string, unknown>): DuoOutcome<PreauthResult> {
  const result = r['result'];
  const groups = readGroups(r['groups']);
  if (result === 'allow' || result === 'deny' || result === 'enroll') {
    if (typeof r['status'] !== 'string') return invalid('status');
    const value: PreauthResult = { result, status: cleanLine(r['status']) };
    if (groups) value.groups = groups;
    return { ok: true, value };
  }
  if (result === 'auth') {
    const factors = readFactors(r['factors']);
    if (!factors) return invalid('factors');
    if (typeof r['prompt'] !== 'string') return invalid('prompt');
    const value: PreauthResult = { result, prompt: cleanPrompt(r['prompt']), factors };
    if (typeof r['status'] === 'string') value.status = cleanLine(r['status']);
    if (groups) value.groups = groups;
    return { ok: true, value };
  }
  return invalid('result');
}

export function validateAuthV1(r: Record<string, unknown>): DuoOutcome<AuthResult> {
  const result = r['result'];
  if (result !== 'allow' && result !== 'deny') return invalid('result');
  if (typeof r['status'] !== 'string') return invalid('status');
  return { ok: true, value: { result, status: cleanLine(r['status']) } };
}
