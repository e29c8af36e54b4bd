// The Access-Challenge prompt of radius_server_challenge (reference §9.2). Duo's preauth already gives
// a numbered console `prompt` and the `factors` map; this only reformats them.
//
// DEVIATION (design.md): the 253 limit is counted in UTF-8 bytes, not code points. 4.0.2 counts code
// points, so a non-ASCII prompt of ≤253 characters but >253 bytes made the encoder raise and the device
// got no answer at all (§19.1); ours falls back to the short format instead.
import { Messages, shortPromptWithFactors } from './messages.ts';
import type { PromptFormat } from './login-types.ts';
import { compareCodePoints, utf8Length } from './utf8.ts';

/** RFC 2865 §5: the value of one attribute is at most 253 octets. */
export const RADIUS_TEXT_MAX_BYTES = 253;

export interface PromptSource {
  prompt: string;
  factors: Record<string, string>;
}

// Python's str.splitlines() boundaries and str.strip() whitespace, which differ from JS's `\n` and trim().
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

/** Python `str.splitlines()`: no empty last line for a trailing break. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(LINE_BREAK);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function pyStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

/** xml.sax.saxutils.escape: only & < > (quotes stay). */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('>', '&gt;').replaceAll('<', '&lt;');
}

export function formatConsole(src: PromptSource): string {
  return src.prompt;
}

export function formatHtml(src: PromptSource): string {
  return splitLines(src.prompt)
    .map((line) => escapeHtml(pyStrip(line)))
    .join('<br>');
}

export function formatShort(src: PromptSource): string {
  const keys = Object.keys(src.factors);
  if (keys.length === 0) return Messages.enterPasscode;
  const list = keys
    .sort(compareCodePoints)
    .filter((k) => k !== 'default')
    .map((k) => `'${src.factors[k]}'`)
    .join(', ');
  const msg = shortPromptWithFactors(list);
  return utf8Length(msg) > RADIUS_TEXT_MAX_BYTES ? Messages.shortPromptOverflow : msg;
}

const FORMATTERS: Record<PromptFormat, (src: PromptSource) => string> = {
  console: formatConsole,
  html: formatHtml,
  short: formatShort,
};

/** `_format_msg`: the configured format, or the short one when that does not fit one attribute. */
export function formatPrompt(format: PromptFormat, src: PromptSource): string {
  const msg = FORMATTERS[format](src);
  return utf8Length(msg) > RADIUS_TEXT_MAX_BYTES ? formatShort(src) : msg;
}
