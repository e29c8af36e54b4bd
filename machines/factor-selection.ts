// `util.factor_for_request` (reference §8.3 step 2): which factor auto mode sends when the password
// carried none. DEVIATION (design.md): the configured factors are tried in configured order; 4.0.2
// iterated a Python set, so its order changed between restarts (§4.2, §19.2).
import type { ConfiguredFactor } from './login-types.ts';
import { pyStrip } from './prompt-format.ts';

/** `util.tokenize`: whitespace, then leading and trailing digits stripped (`push1` → `push`). */
export function tokenizeFactor(factor: string): string {
  return pyStrip(factor).replace(/^[0-9]+|[0-9]+$/g, '');
}

/**
 * Returns the `auto=` value to send, `'passcode'` when a passcode challenge is needed, or undefined when
 * no configured factor is usable.
 */
export function factorForRequest(
  configured: readonly ConfiguredFactor[],
  preauthFactors: Record<string, string> | undefined,
): string | undefined {
  const byOption = preauthFactors ?? {};
  if (!Object.hasOwn(byOption, 'default')) return configured.includes('passcode') ? 'passcode' : undefined;
  const defaultFactor = byOption.default as string;
  const userTypes = new Set(Object.values(byOption).map(tokenizeFactor));
  userTypes.add('passcode'); // anyone may hold bypass codes
  for (const factor of configured) {
    if (factor === 'auto') return defaultFactor;
    if (userTypes.has(factor)) return factor; // the type name, not the device (`push`, not `push1`)
  }
  return undefined;
}
