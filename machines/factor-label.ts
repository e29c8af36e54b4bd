// What a log, an event or authevents.log may say about the `auto=` value sent to Duo's /auth: the
// factor's name (push, push2, phone1, sms1, auto), or `passcode` for anything else, since anything else
// goes to Duo as a passcode and is a secret.

/** A factor name as Duo's proxy sends it in `auto=`: a kind and an optional 1-based device number. */
export const FACTOR_NAME = /^(auto|push|phone|sms)([1-9]\d{0,2})?$/;

export function factorLabel(auto: string): string {
  return FACTOR_NAME.test(auto) ? auto : 'passcode';
}
