// JSON text exactly as Python's json.dumps writes it with its defaults (what Duo's proxy uses for
// authevents.log): `, ` and `: ` separators, ensure_ascii (every character outside space..~ escaped,
// \uXXXX with surrogate pairs), \" \\ \n \r \t \b \f by name. Only the value kinds an auth event has.
export type PyJsonValue = string | number | boolean | null;

const NAMED: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

export function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    const named = NAMED[ch];
    if (named !== undefined) out += named;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function value(v: PyJsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return pyJsonString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return Number.isInteger(v) ? String(v) : String(v);
}

/** An object's keys in the given order: `{"a": 1, "b": "x"}`. */
export function pyJsonObject(entries: readonly (readonly [string, PyJsonValue])[]): string {
  return `{${entries.map(([k, v]) => `${pyJsonString(k)}: ${value(v)}`).join(', ')}}`;
}

/** Python's datetime.isoformat() of a UTC time plus `Z`: microseconds, left out when exactly 0. */
export function pyUtcTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2020-08-27T09:37:19.123Z
  const base = iso.slice(0, 19);
  const millis = Math.floor(((ms % 1000) + 1000) % 1000);
  return millis === 0 ? `${base}Z` : `${base}.${String(millis).padStart(3, '0')}000Z`;
}
