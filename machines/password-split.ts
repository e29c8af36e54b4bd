// Password + second factor in one User-Password (reference §8.2, §10 "Concat mode", §19.15).
// Lengths count code points, as Python's `len` and slicing do.
import { Messages } from './messages.ts';

export interface SplitRules {
  delimiter: string;
  /** 0 = off; else the password is the first N characters. */
  delimitedPasswordLength: number;
}

export interface SplitParts {
  password: string;
  /** undefined where Python has None (no delimiter found). May be '' (e.g. `secret,`). */
  factor: string | undefined;
}

/** `util.do_password_split`. An empty delimiter never splits in delimiter mode (Python would raise). */
export function doPasswordSplit(password: string, rules: SplitRules): SplitParts {
  const n = rules.delimitedPasswordLength;
  if (n > 0) {
    const chars = Array.from(password);
    const left = chars.slice(0, n).join('');
    let right = chars.slice(n).join('');
    // Quirk kept from 4.0.2: ONE character is removed, whatever the delimiter's length.
    if (right !== '' && right.startsWith(rules.delimiter)) right = Array.from(right).slice(1).join('');
    return { password: left, factor: right };
  }
  const at = rules.delimiter === '' ? -1 : password.lastIndexOf(rules.delimiter);
  if (at < 0) return { password, factor: undefined };
  return { password: password.slice(0, at), factor: password.slice(at + rules.delimiter.length) };
}

/** `util.should_try_splitting_password`. */
export function shouldTrySplitting(password: string, allowConcat: boolean, rules: SplitRules): boolean {
  if (!allowConcat) return false;
  if (rules.delimitedPasswordLength > 0) return Array.from(password).length > rules.delimitedPasswordLength;
  return rules.delimiter !== '' && password.includes(rules.delimiter);
}

/** auto mode: what to try first. `factor` undefined = no factor (an empty one counts as none). */
export type AutoSplit = { split: false } | { split: true; passwordPart: string; factor: string | undefined };

export function splitForAuto(password: string, allowConcat: boolean, rules: SplitRules): AutoSplit {
  if (!shouldTrySplitting(password, allowConcat, rules)) return { split: false };
  const parts = doPasswordSplit(password, rules);
  return { split: true, passwordPart: parts.password, factor: parts.factor || undefined };
}

/** concat mode: both parts must be non-empty. The message is the Reply-Message of the reject. */
export type ConcatSplit = { ok: true; password: string; factor: string } | { ok: false; message: string };

export function splitForConcat(password: string | undefined, rules: SplitRules): ConcatSplit {
  if (!password) return { ok: false, message: Messages.concatNoPassword };
  const parts = doPasswordSplit(password, rules);
  if (!parts.password || !parts.factor) return { ok: false, message: Messages.concatInvalidPassword };
  return { ok: true, password: parts.password, factor: parts.factor };
}
