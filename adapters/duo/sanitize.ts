// Text from Duo (status, status_msg, message, prompt) ends up on a VPN client's screen and in our
// logs. A hostile or broken upstream could put terminal escapes or bidi overrides in it (duo_unix's
// mockduo has escape-injection cases), so everything is cleaned before anyone shows it.

// ANSI/VT sequences: CSI (ESC [ or 0x9B ... final byte), OSC/DCS/PM/APC/SOS (ESC ] P ^ _ X ... BEL or
// ST), and two-byte ESC sequences. Removed whole so no `[31m` debris is left.
const ESCAPE_SEQUENCES =
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[\x20-\x2f]*[\x30-\x7e]?/g;

// C0 (but \n handled separately), DEL, C1, and the bidi embedding/override/isolate marks that can
// reorder what a user reads.
const CONTROLS_KEEP_NL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_ALL = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** For one-line texts (status, status_msg, message): every control character goes, newlines too. */
export function cleanLine(s: string): string {
  return s.replace(ESCAPE_SEQUENCES, '').replace(CONTROLS_ALL, '');
}

/** For Duo's console prompt, whose lines are separated by \n: keep \n, drop every other control. */
export function cleanPrompt(s: string): string {
  return s.replace(ESCAPE_SEQUENCES, '').replace(CONTROLS_KEEP_NL, '');
}
