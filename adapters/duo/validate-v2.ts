// Validating Auth API v2 answers (duo-auth-api.md §2.7-2.9) with the same rule as the proxy API:
// what does not fit is `Malformed API Response - invalid or missing '<key>'`, fail-open. Texts are
// cleaned here; `status` in our results carries Duo's `status_msg` (the v1 `status` is that text).
import type { AuthResult, DuoOutcome, PreauthResult } from '../../machines/contracts.ts';
import { buildDevicePrompt, type DuoDevice } from './device-prompt.ts';
import { isRecord } from './envelope.ts';
import { malformedError } from './errors.ts';
import { cleanLine, cleanPrompt } from './sanitize.ts';

function invalid<T>(key: string): DuoOutcome<T> {
  return { ok: false, error: malformedError(`Malformed API Response - invalid or missing '${key}'`) };
}

const optionalText = (v: unknown): string | undefined => (typeof v === 'string' ? cleanLine(v) : undefined);

/** devices[] as DuoDevice, texts cleaned; undefined when it is not a list of {device, type} objects. */
export function readDevices(v: unknown): DuoDevice[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: DuoDevice[] = [];
  for (const d of v) {
    if (!isRecord(d) || typeof d['device'] !== 'string' || typeof d['type'] !== 'string') return undefined;
    const device: DuoDevice = { device: cleanLine(d['device']), type: d['type'] };
    const number = optionalText(d['number']);
    const name = optionalText(d['name']);
    const displayName = optionalText(d['display_name']);
    if (number !== undefined) device.number = number;
    if (name !== undefined) device.name = name;
    if (displayName !== undefined) device.display_name = displayName;
    const caps = d['capabilities'];
    if (caps !== undefined) {
      if (!Array.isArray(caps)) return undefined;
      device.capabilities = caps.filter((c): c is string => typeof c === 'string');
    }
    out.push(device);
  }
  return out;
}

export type PreauthV2 = { outcome: DuoOutcome<PreauthResult>; devices?: DuoDevice[] };

export function validatePreauthV2(username: string, r: Record<string, unknown>): PreauthV2 {
  const result = r['result'];
  if (result === 'allow' || result === 'deny' || result === 'enroll') {
    if (typeof r['status_msg'] !== 'string') return { outcome: invalid('status_msg') };
    return { outcome: { ok: true, value: { result, status: cleanLine(r['status_msg']) } } };
  }
  if (result === 'auth') {
    const devices = readDevices(r['devices']);
    if (!devices) return { outcome: invalid('devices') };
    const { prompt, factors } = buildDevicePrompt(username, devices);
    const value: PreauthResult = { result, prompt: cleanPrompt(prompt), factors };
    if (typeof r['status_msg'] === 'string') value.status = cleanLine(r['status_msg']);
    return { outcome: { ok: true, value }, devices };
  }
  return { outcome: invalid('result') };
}

export type AuthStep = { done: true; outcome: DuoOutcome<AuthResult> } | { done: false; status: string };

/** An /auth (sync) or /auth_status answer: final (allow/deny) or still waiting. */
export function readAuthStep(r: Record<string, unknown>, waitingAllowed: boolean): AuthStep {
  const result = r['result'];
  const msg = r['status_msg'];
  if (waitingAllowed && result === 'waiting') return { done: false, status: typeof r['status'] === 'string' ? cleanLine(r['status']) : '' };
  if (result !== 'allow' && result !== 'deny') return { done: true, outcome: invalid('result') };
  if (typeof msg !== 'string') return { done: true, outcome: invalid('status_msg') };
  return { done: true, outcome: { ok: true, value: { result, status: cleanLine(msg) } } };
}

/** The txid of an async /auth. */
export function readTxid(r: Record<string, unknown>): string | undefined {
  const t = r['txid'];
  return typeof t === 'string' && t.length > 0 && t.length <= 200 ? t : undefined;
}
