// The answer to a challenge-mode factor prompt (reference §9.3).

/** Step 1-2: the answer text, replaced by the device factor when it is exactly an option key
 *  (`1` → `push1`, `default` → the default device). Anything else goes to Duo unchanged. */
export function mapOptionAnswer(answer: string | undefined, factors: Record<string, string>): string {
  const text = answer ?? '';
  return Object.hasOwn(factors, text) ? (factors[text] as string) : text;
}

// Python's `re.match(r'sms\d+')`: anchored at the start only, and `\d` is any Unicode decimal digit.
const SMS_REFRESH = /^sms\p{Nd}/u;

/** Step 5: `sms1`, `sms12abc`… ask Duo for new SMS passcodes and re-send the same prompt. Bare `sms` does not. */
export function isSmsRefresh(factor: string): boolean {
  return SMS_REFRESH.test(factor);
}
