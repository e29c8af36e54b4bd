// Failmode (reference §7): what a Duo API error turns into.
import type { DuoError } from './contracts.ts';
import type { Failmode } from './login-types.ts';
import { Messages } from './messages.ts';

/** `should_server_fail_open`: only with failmode safe, and only for errors the client marked fail-open
 *  (or in primary-only mode). */
export function shouldFailOpen(failmode: Failmode, error: Pick<DuoError, 'failOpen'>, primaryOnly = false): boolean {
  return failmode === 'safe' && (error.failOpen || primaryOnly);
}

export interface FailmodeDecision {
  allow: boolean;
  /** The Reply-Message; in 4.0.2 the same "preauth" texts serve /auth failures too. */
  message: string;
}

export function failmodeDecision(failmode: Failmode, error: Pick<DuoError, 'failOpen'>, primaryOnly = false): FailmodeDecision {
  if (shouldFailOpen(failmode, error, primaryOnly)) {
    return { allow: true, message: primaryOnly ? Messages.primaryOnly : Messages.failmodeSafe };
  }
  return { allow: false, message: Messages.failmodeSecure };
}
