// The user-facing texts the mock Duo answers with. Where Duo's real text is known (captured from the
// cloud, or observed on Duo's proxy) it is used as is; the others are our best guess, marked "ours",
// and a fixture can override any of them under `texts:`.

export const DEFAULT_TEXTS = {
  // Auth API v2 captures (duo-auth-api.md §2.8/2.9).
  success: 'Success. Logging you in...',
  pushed: 'Pushed a login request to your device...',
  pushDenied: 'Login request denied.',
  pushTimeout: 'Login timed out.',
  incorrectPasscode: 'Incorrect passcode. Please try again.',
  noKeypress: 'No keypress detected. Please try again.',
  smsSentV2: 'New SMS passcodes sent.',
  accountActive: 'Account is active',
  enrollV2: 'Enroll an authentication device to proceed',
  // Duo's proxy relays this /rest/v1 text (behaviour §18 fact 11: no final period).
  smsSentV1: 'New SMS passcodes sent',
  // Behaviour §18 fact 25.
  allowUnknown: 'Allowing unknown user',
  // mockduo's legacy phone script (duo-auth-api.md §3.1).
  calling: 'Dialing {number}...',
  answered: "Answered. Press '#' on your phone to log in.",
  // Ours: no public capture of these.
  pushFailed: 'Push notification failed to deliver.',
  fraud: 'Login request reported as fraudulent.',
  lockedOut: 'Your account has been locked out due to excessive authentication failures.',
  disabled: 'Your account is disabled.',
  bypass: 'Bypass user: access allowed.',
  denyUnknown: 'Unknown user: access denied by the new user policy.',
  /** /rest/v1 enroll status: Duo's proxy shows it to the user, so it carries the portal URL. */
  enrollV1: 'Please enroll at {url}',
} as const;

export type TextKey = keyof typeof DEFAULT_TEXTS;
export type Texts = Record<TextKey, string>;

export function fillText(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}
