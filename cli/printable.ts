// Text from outside (a User-Name typed by whoever logs in, a Reply-Message from a server under test)
// printed on an admin's terminal: its control characters could clear the screen, retitle the window or
// forge a line. printable() shows them as escapes instead. Used by `authproxy trace` and the simulator's
// tables.

/** C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a terminal shows. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The text with every control character shown as an escape (`\x1b`, `\u202e`), so a terminal only
 *  ever prints it. */
export function printable(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
