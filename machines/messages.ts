// Every user-visible Reply-Message the login logic writes itself, exactly as Duo's proxy 4.0.2 writes
// it (reference duo-authproxy-behaviour.md; section in each comment). Messages relayed from Duo
// (`status`), from the primary client or from preauth (`prompt`) are not here: they pass unchanged.
export const Messages = {
  /** §8.1, §9.1, §10, fact 35. */
  noUsername: 'No username provided',
  /** §8.2 step 1, §8.4 step 1, §10 step 2, fact 34. */
  missingPassword: 'Missing or improperly-formatted password',
  /** §9.1 step 3: challenge mode, User-Password absent and no MS-CHAPv2 attributes. */
  noPasswordOrChap2: 'No password or CHAP2 attributes provided',
  /** §5.1 step 9, fact 36. */
  cannotDecodePassword: 'Cannot decode password',
  /** §8.3 step 4, fact 23. */
  noUsableFactors: 'User has no Duo factors usable with this configuration',
  /** §8.3 step 3, fact 24; also the short prompt without devices (§9.2). */
  enterPasscode: 'Enter passcode:',
  /** §9.4, fact 13. */
  unknownChallenge: 'Unknown Challenge',
  /** §9.5, fact 15. */
  completeEnrollment: 'Please complete the enrollment process and login again',
  /** §8.3 exempt usernames, fact 26. */
  exempt: 'User exempted from 2FA',
  /** §7: also used for /auth failures in 4.0.2. */
  failmodeSafe: 'Failmode Safe - Allowed Duo login on preauth failure',
  failmodeSecure: 'Failmode Secure - Denied Duo login on preauth failure',
  /** §7 primary-only mode. */
  primaryOnly: 'Primary Only Mode - Secondary authentication bypassed',
  /** §10 concat mode: password absent or empty. */
  concatNoPassword: 'No password provided',
  /** §10 concat mode: no delimiter, or an empty part. */
  concatInvalidPassword: 'Invalid Password',
  /** §9.2 short prompt. */
  shortPromptOverflow: 'Choose a secondary factor or enter passcode:',
  /** §8.5, §12: prefix of a primary error; the suffix says what failed. */
  primaryErrorPrefix: 'Error performing primary authentication: ',
  /** Ours: the login deadline (`login_timeout`) passed while primary auth was running. Wording modelled
   *  on fact 43's `Error performing primary authentication: RADIUS auth request timed out`. */
  primaryTimedOut: 'Error performing primary authentication: timed out',
  /** Ours: the primary actor threw (it never should: PrimaryAuth never throws). */
  primaryFailedUnexpectedly: 'Error performing primary authentication: unexpected error',
  /** Ours: EAP is out of scope (4.0.2 proxies it to a radius_client, §8.5). A reject says so plainly,
   *  so an administrator sees why instead of a silent failure. */
  eapNotSupported: 'EAP is not supported by this proxy; use PAP',
  /** Ours: MS-CHAPv2 and MS-CHAP2-CPW are out of scope (4.0.2 §8.6, §9.5). */
  mschapNotSupported: 'MS-CHAPv2 is not supported by this proxy; use PAP',
} as const;

/** The short-format prompt with devices (§9.2): `Choose a secondary factor from ('a', 'b') or enter passcode:`. */
export function shortPromptWithFactors(quotedList: string): string {
  return `Choose a secondary factor from (${quotedList}) or enter passcode:`;
}
