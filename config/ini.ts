// The authproxy.cfg reader: Python ConfigParser's rules as Duo's proxy uses them (reference §2), with a
// line number on every section and key so later checks can point at the line. It never throws and
// never stops at the first problem. It knows nothing of Duo's options; config/sections.ts does that.

export interface IniEntry {
  /** Lowercased key, as ConfigParser's optionxform does. */
  key: string;
  /** Trimmed value; continuation lines joined with "\n" like ConfigParser. */
  value: string;
  line: number;
}

export interface IniSection {
  /** As written between the brackets (ConfigParser keeps section names' case). */
  name: string;
  line: number;
  entries: IniEntry[];
}

export interface IniProblem {
  line: number;
  section: string;
  option: string;
  message: string;
  fix: string;
}

export interface IniResult {
  sections: IniSection[];
  problems: IniProblem[];
  /** Every key = value read, those then dropped (a duplicate section's, a duplicated key's) included,
   *  with its section: a secret written only there must still never be printed. */
  everyEntry: { section: string; entry: IniEntry }[];
}

/** The longest line read (issue 15 §7): no option needs more, and a longer one is a mistake (a file
 *  pasted in) whose key would otherwise feed the "did you mean" search. */
export const MAX_LINE_CHARS = 65_536;

// ConfigParser: SECTCRE is matched at the start of the stripped line; OPTCRE takes the first `=` or `:`.
const SECTION_RE = /^\[([^\]]+)\]/;
const OPTION_RE = /^(.*?)\s*([=:])\s*(.*)$/s;
const NON_SPACE_RE = /\S/;

interface OpenEntry {
  entry: IniEntry;
  parts: string[];
}

/** Splits on CRLF, LF or CR; a file mixing them reads the same as Python's universal newlines. */
export function splitLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Reads an INI text. `source` names the file in Duo's messages that quote it. */
export function parseIni(text: string, source: string): IniResult {
  const lines = splitLines(text);
  const problems: IniProblem[] = [];
  const sections: IniSection[] = [];
  const everyEntry: IniResult['everyEntry'] = [];
  if (!lines.some((l) => SECTION_RE.test(l.trim()))) {
    problems.push({
      line: 0,
      section: '',
      option: '',
      message: `Config loaded from ${source} has no sections.`,
      fix: 'start the file with a section header such as [main] or [radius_server_auto]',
    });
    return { sections, problems, everyEntry };
  }

  const seen = new Map<string, IniSection>(); // lowercased name -> first section of that name
  let current: IniSection | undefined;
  let open: OpenEntry | undefined;
  let keys = new Map<string, IniEntry>();
  const opened: OpenEntry[] = [];
  let indentLevel = 0;

  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    if (raw.length > MAX_LINE_CHARS) {
      // Nothing of it is quoted (it may hold a secret) and nothing of it is read: the key, the value and
      // a header alike. An indented continuation that follows it joins nothing.
      problems.push({
        line: lineNo,
        section: current?.name ?? '',
        option: '',
        message: `Config is unparseable: the line is ${raw.length} characters long, longer than the ${MAX_LINE_CHARS} allowed`,
        fix: 'shorten it: no option takes a value this long (was a file pasted into the config?)',
      });
      open = undefined;
      return;
    }
    const stripped = raw.trim();
    const isComment = stripped.startsWith('#') || stripped.startsWith(';');
    const value = isComment ? '' : stripped;
    if (!value) {
      // ConfigParser keeps blank lines inside a value (empty_lines_in_values); comments are skipped.
      if (!isComment && current && open) open.parts.push('');
      return;
    }
    const indent = raw.search(NON_SPACE_RE);
    if (current && open && indent > indentLevel) {
      open.parts.push(value);
      return;
    }
    indentLevel = indent;
    const header = SECTION_RE.exec(value);
    if (header) {
      const name = header[1]!;
      const first = seen.get(name.toLowerCase());
      current = { name, line: lineNo, entries: [] };
      keys = new Map();
      open = undefined;
      if (first) {
        problems.push({
          line: lineNo,
          section: name,
          option: '',
          message: `Configuration loaded from ${source} has duplicate sections: ['${name}']`,
          fix: `[${first.name}] is already on line ${first.line}: merge the two or rename this one (e.g. [${name}2])`,
        });
        // Read on (so its lines are still checked) into a section that is then dropped.
      } else {
        seen.set(name.toLowerCase(), current);
        sections.push(current);
      }
      return;
    }
    if (!current) {
      problems.push({
        line: lineNo,
        section: '',
        option: '',
        message: 'Config is unparseable or contains bad comment: this line comes before the first [section] header',
        fix: 'move it under the section it belongs to, or start it with # to make it a comment',
      });
      return;
    }
    const m = OPTION_RE.exec(value);
    const key = m ? m[1]!.trimEnd().toLowerCase() : '';
    if (!m || key === '') {
      // The line is not quoted: it may be a secret pasted on its own line.
      problems.push({
        line: lineNo,
        section: current.name,
        option: '',
        message: m
          ? 'Config is unparseable or contains bad comment: the line has no key before its = or :'
          : 'Config is unparseable or contains bad comment: the line is neither [section], key = value, a comment nor an indented continuation',
        fix: 'write it as key = value; comments must start the line with # or ; (inline comments are kept as part of the value)',
      });
      // ConfigParser still opens an option here, so following indented lines are absorbed by it.
      open = { entry: { key: '', value: '', line: lineNo }, parts: [] };
      return;
    }
    const entry: IniEntry = { key, value: '', line: lineNo };
    open = { entry, parts: [m[3]!.trim()] };
    opened.push(open);
    everyEntry.push({ section: current.name, entry });
    const previous = keys.get(key);
    if (previous) {
      problems.push({
        line: lineNo,
        section: current.name,
        option: key,
        message: `Configuration has duplicated keys in the given section: option '${key}' in section '${current.name}' already exists (line ${previous.line})`,
        fix: `keep only one ${key} line in [${current.name}]`,
      });
      return; // the first value stays; this one is read and dropped
    }
    keys.set(key, entry);
    current.entries.push(entry);
  });

  for (const o of opened) o.entry.value = o.parts.join('\n').trimEnd();
  return { sections, problems, everyEntry };
}
