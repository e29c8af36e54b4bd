// Reads the keys of one section against its spec in config/options.ts: aliases, unknown keys (with the
// closest known name), numbered keys, Windows-only `*_protected` keys, and each value's type. What a
// whole section needs (required keys, pairs) is checked afterwards in config/section-checks.ts.
import type { IniEntry, IniSection } from './ini.ts';
import { findOption, KEY_ALIASES, type OptionSpec, type SectionSpec, type SectionType } from './options.ts';
import { msg, type ProblemList } from './problems.ts';
import { closestOption, sectionsReading } from './suggest.ts';
import { isUnsetValue, parseValue, type Value } from './values.ts';

export interface OptionValue {
  key: string;
  value: Value;
  /** The value as written. */
  raw: string;
  line: number;
}

export interface ReadSection {
  name: string;
  type: SectionType;
  spec: SectionSpec;
  line: number;
  /** Every key present in the section (after aliases), valid or not, with its line. */
  present: Map<string, number>;
  /** Valid values of the plain options, by option name. */
  values: Map<string, OptionValue>;
  /** Valid values of numbered options: pattern name (radius_ip_N) -> N -> value. */
  numbered: Map<string, Map<number, OptionValue>>;
}

/** Keys whose non-numeric suffix Duo reports as an error (reference §4.1). */
const STRICT_SUFFIX = new Set(['radius_ip_N', 'radius_secret_N', 'radius_secret_protected_N']);

export function readSection(
  ini: IniSection,
  type: SectionType,
  spec: SectionSpec,
  dir: string,
  problems: ProblemList,
  inherited: readonly IniEntry[] = [],
): ReadSection {
  const read: ReadSection = { name: ini.name, type, spec, line: ini.line, present: new Map(), values: new Map(), numbered: new Map() };
  const section = ini.name;
  const own = new Set(ini.entries.map((e) => KEY_ALIASES[e.key] ?? e.key));
  const entries = [...ini.entries.map((e) => ({ e, inherited: false })), ...inherited.filter((e) => !own.has(e.key)).map((e) => ({ e, inherited: true }))];

  for (const { e, inherited: fromDefault } of entries) {
    const at = { line: e.line, section, option: e.key };
    let key = KEY_ALIASES[e.key] ?? e.key;
    if (key !== e.key && ini.entries.some((o) => o.key === key)) {
      problems.error(at, `Configuration has duplicated keys in the given section: ${e.key} is another name for ${key}`, `keep only one of ${e.key} and ${key}`);
      continue;
    }
    // radius_server_concat also reads the misspelling `delimeter` when `delimiter` is absent.
    if (key === 'delimeter' && type === 'radius_server_concat') {
      if (own.has('delimiter')) continue;
      key = 'delimiter';
    }
    read.present.set(key, e.line);
    const found = findOption(spec, key);
    if (!found) {
      if (!fromDefault) reportUnknown(problems, at, spec, type, key, e.key);
      continue;
    }
    const { option } = found;
    if (found.n === undefined && option.numbered) {
      if (STRICT_SUFFIX.has(option.name)) problems.error(at, `Expected integer as suffix for '${key}'`, `number it, e.g. ${option.name.replace(/N$/, '1')}`);
      else problems.warn(at, msg.unexpected(key), `number it, e.g. ${option.name.replace(/N$/, '1')}; it is ignored`);
      continue;
    }
    if (option.windowsOnly) {
      problems.warn(at, `${key} only works on Windows (DPAPI)`, `use the plain key ${plainKeyOf(key)} instead; ${key} is ignored`);
      continue;
    }
    if (isUnsetValue(option, e.value)) continue;
    const parsed = parseValue(option, key, e.value, dir);
    if (!parsed.ok) {
      problems.error(at, parsed.error.message, parsed.error.fix);
      continue;
    }
    for (const w of parsed.warnings ?? []) problems.warn(at, w.message, w.fix);
    // Inherited keys ([DEFAULT]) are reported once, where they are written, not in every section.
    if (option.noEffect !== undefined && !fromDefault) problems.inert(at, option.noEffect);
    const value: OptionValue = { key, value: parsed.value, raw: e.value, line: e.line };
    if (found.n === undefined) {
      read.values.set(option.name, value);
      continue;
    }
    store(read, option, found.n, value, problems, at);
  }
  return read;
}

function store(read: ReadSection, option: OptionSpec, n: number, value: OptionValue, problems: ProblemList, at: { line: number; section: string; option: string }): void {
  let byN = read.numbered.get(option.name);
  if (!byN) read.numbered.set(option.name, (byN = new Map()));
  const other = byN.get(n);
  if (other) {
    // radius_ip_01 and radius_ip_1 are the same number for Duo (int('01') == 1).
    problems.error(at, `Configuration has duplicated keys in the given section: ${value.key} and ${other.key} (line ${other.line}) are both number ${n}`, `renumber one of them`);
    return;
  }
  byN.set(n, value);
}

/** `key` is the name after aliases (what the table knows), `written` the name in the file. A key that
 *  another section type reads is a warning (it is harmless here); a near miss of an option of this
 *  section is an error: ignoring `fail_mode = secure` would run with failmode safe, failing open. */
function reportUnknown(problems: ProblemList, at: { line: number; section: string; option: string }, spec: SectionSpec, type: SectionType, key: string, written: string): void {
  const elsewhere = sectionsReading(key, type);
  if (elsewhere.length > 0) {
    problems.warn(at, msg.unexpected(written), `${written} is read only in ${elsewhere.map((t) => `[${t}]`).join(', ')} sections; remove it from this [${type}] section`);
    return;
  }
  const close = closestOption(spec, key);
  if (close) {
    problems.error(at, msg.unexpected(written), `did you mean '${close}'? (a misspelt option would be silently ignored, so authproxy refuses it)`);
    return;
  }
  problems.warn(at, msg.unexpected(written), 'remove it (unknown keys are ignored); docs/configuration.md lists every option');
}

/** skey_protected -> skey, radius_secret_protected_2 -> radius_secret_2. */
export function plainKeyOf(key: string): string {
  return key.replace(/_protected$/, '').replace(/_protected_(\d+)$/, '_$1');
}

// ---- typed access with the table's defaults ---------------------------------------------------------

function specOf(read: ReadSection, name: string): OptionSpec {
  const option = read.spec.options.find((o) => o.name === name);
  if (!option) throw new Error(`config/options.ts has no option ${name} in [${read.type}]`); // a programming error
  return option;
}

/** The option's valid value, else its default from the table. */
export function optionValue(read: ReadSection, name: string): Value | undefined {
  return read.values.get(name)?.value ?? specOf(read, name).default;
}

export function str(read: ReadSection, name: string): string {
  const v = optionValue(read, name);
  return typeof v === 'string' ? v : '';
}

export function optStr(read: ReadSection, name: string): string | undefined {
  const v = optionValue(read, name);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function int(read: ReadSection, name: string): number {
  const v = optionValue(read, name);
  return typeof v === 'number' ? v : 0;
}

export function optInt(read: ReadSection, name: string): number | undefined {
  const v = optionValue(read, name);
  return typeof v === 'number' ? v : undefined;
}

export function bool(read: ReadSection, name: string): boolean {
  return optionValue(read, name) === true;
}

export function list(read: ReadSection, name: string): string[] {
  const v = optionValue(read, name);
  if (Array.isArray(v)) return [...v];
  return typeof v === 'string' && v !== '' ? v.split(',').map((s) => s.trim()) : [];
}

/** Numbered values in N order. */
export function numbered(read: ReadSection, name: string): [number, OptionValue][] {
  return [...(read.numbered.get(name) ?? new Map<number, OptionValue>())].sort((a, b) => a[0] - b[0]);
}
