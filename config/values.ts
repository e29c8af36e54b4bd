// Turns one raw option value into its typed value, by the option's type in config/options.ts, with
// Duo's messages (reference §2 "Typed getters", §16.2-16.3). Pure: file paths are resolved, not read.
// Messages never quote the value of a secret option (none of the secret options' types quote values).
import { isAbsolute, resolve } from 'node:path';
import { parseNetwork } from '../adapters/radius/networks.ts';
import { lookupAttribute } from '../adapters/radius/dictionary/index.ts';
import type { OptionSpec } from './options.ts';
import { msg } from './problems.ts';
import { isDn, isHost, isLdapFilter, isSingleIp, parseCodec, parseNatsUrls } from './syntax.ts';

export type Value = string | number | boolean | readonly string[];

export interface Note {
  message: string;
  fix: string;
}

export type Parsed = { ok: true; value: Value; warnings?: Note[] } | { ok: false; error: Note };

export const FACTORS = ['auto', 'push', 'phone', 'passcode'] as const;
export type Factor = (typeof FACTORS)[number];

// Python int(): optional sign, digits with single _ between them, surrounding whitespace.
const PY_INT_RE = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

export function parsePyInt(raw: string): number | undefined {
  if (!PY_INT_RE.test(raw)) return undefined;
  const n = Number(raw.trim().replace(/_/g, ''));
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Duo's bool: true/false in any case, or an integer (0 is false). */
export function parsePyBool(raw: string): boolean | undefined {
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  const n = parsePyInt(raw);
  return n === undefined ? undefined : n !== 0;
}

/** Splits a comma list: items trimmed, empty items dropped, first occurrence kept (configured order). */
export function splitList(raw: string, lower = false): { items: string[]; duplicates: string[] } {
  const items: string[] = [];
  const duplicates: string[] = [];
  for (const part of raw.split(',')) {
    const item = lower ? part.trim().toLowerCase() : part.trim();
    if (item === '') continue;
    if (items.includes(item)) duplicates.push(item);
    else items.push(item);
  }
  return { items, duplicates };
}

const ok = (value: Value, warnings?: Note[]): Parsed => (warnings?.length ? { ok: true, value, warnings } : { ok: true, value });
const bad = (message: string, fix: string): Parsed => ({ ok: false, error: { message, fix } });

/** Types whose empty value means "not set" (the option's default applies). */
const EMPTY_IS_UNSET = new Set(['ip', 'host', 'file', 'dn', 'ldap-filter', 'list', 'nats-url']);

export function isUnsetValue(option: OptionSpec, raw: string): boolean {
  return raw === '' && !option.required && EMPTY_IS_UNSET.has(option.type);
}

/** Parses `raw` for `key` (the key as written, e.g. radius_ip_3). `dir` resolves relative file paths. */
export function parseValue(option: OptionSpec, key: string, raw: string, dir: string): Parsed {
  const invalid = (fix: string) => bad(msg.invalid(key), fix);
  switch (option.type) {
    case 'string':
      if (raw === '' && option.required) return invalid(`set ${key} to a non-empty value`);
      if (raw === '' && option.name === 'delimiter') return invalid('use a separator such as , (a comma)');
      return ok(raw);
    case 'int': {
      const n = parsePyInt(raw);
      if (n === undefined) return bad(msg.notInteger(key), 'use a whole number such as ' + String(option.default ?? 10));
      if (option.min !== undefined && n < option.min) return invalid(`use a whole number of at least ${option.min}`);
      if (option.max !== undefined && n > option.max) return invalid(`use a whole number of at most ${option.max}`);
      return ok(n);
    }
    case 'port': {
      const n = parsePyInt(raw);
      if (n === undefined) return bad(msg.notInteger(key), 'use a port number from 1 to 65535');
      if (n < 1 || n > 65535) return invalid('use a port number from 1 to 65535');
      return ok(n);
    }
    case 'bool': {
      const b = parsePyBool(raw);
      return b === undefined ? bad(msg.notBoolean(key), 'use true or false') : ok(b);
    }
    case 'enum': {
      const values = option.values ?? [];
      const lower = raw.toLowerCase();
      return values.includes(lower) ? ok(lower) : bad(msg.notOneOf(key, values), `use ${values.join(' or ')}`);
    }
    case 'ip':
      if (raw === '' && !option.required) return ok('');
      return isSingleIp(raw) ? ok(raw) : invalid('use one IPv4 or IPv6 address such as 10.0.0.1 (hostnames are not accepted here)');
    case 'host':
      if (raw === '' && !option.required) return ok('');
      return isHost(raw) ? ok(raw) : invalid('use a hostname or IP address alone, without scheme, path or port');
    case 'network': {
      const parsed = parseNetwork(raw);
      if (parsed.ok) return ok(raw);
      // Never quoted, whatever it looks like (issue 15 §3): radius_ip_N and radius_secret_N swapped put
      // the shared secret here, and a secret of digits or hex looks like an address. The reason is told
      // in words of its own, without any part of the value.
      return bad(
        `Invalid IP, network, or range for '${key}': ${networkReason(parsed.error)} (the value is not shown: it may be a shared secret written on the wrong line)`,
        'use an IP (10.0.0.1), a CIDR (10.0.0.0/24), an IP/netmask (10.0.0.0/255.255.255.0) or a range (10.0.0.1-10.0.0.9)',
      );
    }
    case 'dn':
      if (raw === '' && !option.required) return ok('');
      return isDn(raw) ? ok(raw) : invalid('use a distinguished name such as CN=Users,DC=example,DC=com');
    case 'ldap-filter':
      if (raw === '') return ok('');
      return isLdapFilter(raw) ? ok(raw) : invalid('use an LDAP filter in parentheses, such as (memberOf=CN=VPN,DC=example,DC=com)');
    case 'file':
      if (raw === '') return ok('');
      return ok(isAbsolute(raw) ? raw : resolve(dir, raw));
    case 'factors': {
      const { items, duplicates } = splitList(raw, true);
      const unknown = items.find((f) => !(FACTORS as readonly string[]).includes(f));
      if (unknown !== undefined)
        return bad(`Factor "${unknown}" is not one of "auto", "phone", "push", or "passcode"`, 'list only auto, push, phone or passcode, separated by commas');
      if (items.length === 0) return bad('Factors list cannot be empty', 'use auto, or a comma list of push, phone, passcode');
      return ok(items, duplicates.map((d) => ({ message: `Factor "${d}" is listed more than once`, fix: 'list each factor once; the first keeps its place' })));
    }
    case 'list': {
      const { items, duplicates } = splitList(raw);
      const warnings: Note[] = duplicates.map((d) => ({ message: `${d} is listed more than once`, fix: 'list each name once' }));
      const names = items.map((name) => {
        const known = lookupAttribute(name);
        if (!known) warnings.push({ message: `RADIUS attribute ${name} is not in authproxy's dictionaries, so it is never copied`, fix: 'check the spelling (names are case-insensitive), e.g. Class or Filter-Id' });
        return known?.name ?? name;
      });
      return ok(names, warnings);
    }
    case 'attribute': {
      const lower = raw.toLowerCase();
      if (lower === 'default' || lower === 'paloalto') return ok(lower);
      const known = lookupAttribute(raw);
      return known
        ? ok(known.name)
        : bad(`Invalid configuration value for client_ip_attr: RADIUS attribute ${raw} unkonwn.`, 'use default (Calling-Station-Id), paloalto, or a RADIUS attribute name');
    }
    case 'codec': {
      const codec = parseCodec(raw);
      return codec ? ok(codec) : invalid('authproxy supports utf-8, latin-1 and ascii');
    }
    case 'ikey':
      return /^DI[A-Z0-9]{18}$/.test(raw) ? ok(raw) : invalid('copy the integration key from the Duo Admin Panel: DI followed by 18 capital letters or digits');
    case 'skey':
      return /^[a-zA-Z0-9]{40}$/.test(raw) ? ok(raw) : invalid('copy the secret key from the Duo Admin Panel: 40 letters or digits');
    case 'nats-url': {
      if (raw === '') return ok([]);
      const urls = parseNatsUrls(raw);
      return urls ? ok(urls) : invalid('use nats://host:4222 or tls://host:4222, several separated by commas');
    }
  }
}

/** parseNetwork's reason without the parts of the value it quotes. */
function networkReason(error: string): string {
  if (error === 'empty value') return 'empty';
  if (error.includes('mixes IPv4 and IPv6')) return 'the range mixes IPv4 and IPv6';
  if (error.includes('ends before it starts')) return 'the range ends before it starts';
  if (error.startsWith('invalid IP range')) return 'not a range of two IP addresses';
  if (error.startsWith('prefix length')) return 'the prefix length is longer than the address';
  if (error.includes('not contiguous')) return 'the netmask is not contiguous';
  if (error.startsWith('invalid prefix length')) return 'invalid prefix length or netmask';
  return 'not an IP address, network or range';
}
