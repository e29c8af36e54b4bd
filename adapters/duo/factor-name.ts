// The `auto=` value of an auth call is either a factor name (push, phone2, sms1, auto) or a
// passcode. Only factor names may be logged; anything else is treated as a secret.
import { FACTOR_NAME } from '../../machines/factor-label.ts';

export type FactorKind = 'auto' | 'push' | 'phone' | 'sms';

export interface FactorName {
  kind: FactorKind;
  /** The 1-based device number of `push2`; undefined for a bare `push`. */
  device?: number;
}

export function parseFactorName(s: string): FactorName | undefined {
  const m = FACTOR_NAME.exec(s);
  if (!m) return undefined;
  const kind = m[1] as FactorKind;
  return m[2] === undefined ? { kind } : { kind, device: Number(m[2]) };
}

/** What may appear in a log line for an `auto` value: the value if it names a factor, else a mask. */
export function loggableFactor(s: string): string {
  return parseFactorName(s) ? s : 'xxxxxxxx';
}

/** Duo's proxy refuses passcodes and factors over 2000 characters (Python counts code points). */
export const MAX_FACTOR_CHARS = 2000;
export function factorTooLong(s: string): boolean {
  if (s.length <= MAX_FACTOR_CHARS) return false;
  let n = 0;
  for (const _ of s) if (++n > MAX_FACTOR_CHARS) return true;
  return false;
}
