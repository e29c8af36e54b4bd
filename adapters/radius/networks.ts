// RADIUS client networks (`radius_ip_N`) and the lookup that maps a source address to a server section
// and its shared secret. Duo accepts a single IP, a CIDR, IP/netmask or a range `a-b` (reference §4.1);
// the most specific network wins across every section on a listener, and on a tie the later section in
// config order wins (reference §1 "Dispatch within a shared listener").
import { isIPv4, isIPv6 } from 'node:net';

export type IpFamily = 4 | 6;

/** A network: the address family, the network address as an integer (host bits zero) and the prefix. */
export interface Cidr {
  readonly family: IpFamily;
  readonly network: bigint;
  readonly prefix: number;
}

export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

/** Parses one IPv4 or IPv6 address (no zone id). An IPv4-mapped IPv6 address stays IPv6 here. */
export function parseIp(text: string): IpAddress | undefined {
  if (isIPv4(text)) {
    let v = 0n;
    for (const part of text.split('.')) v = (v << 8n) | BigInt(Number(part));
    return { family: 4, value: v };
  }
  if (!isIPv6(text) || text.includes('%')) return undefined;
  let head = text;
  let tail: bigint[] = [];
  // A dotted IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = head.lastIndexOf(':');
  const maybeV4 = head.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIp(maybeV4);
    if (v4 === undefined || v4.family !== 4) return undefined;
    tail = [v4.value >> 16n, v4.value & 0xffffn];
    head = head.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groupsOf = (s: string): bigint[] => (s === '' ? [] : s.split(':').map((g) => BigInt(`0x${g}`)));
  let groups: bigint[];
  const dbl = head.indexOf('::');
  if (dbl >= 0) {
    const left = groupsOf(head.slice(0, dbl));
    const right = [...groupsOf(head.slice(dbl + 2)), ...tail];
    const missing = 8 - left.length - right.length;
    if (missing < 0) return undefined;
    groups = [...left, ...new Array<bigint>(missing).fill(0n), ...right];
  } else {
    groups = [...groupsOf(head), ...tail];
  }
  if (groups.length !== 8) return undefined;
  let v = 0n;
  for (const g of groups) v = (v << 16n) | g;
  return { family: 6, value: v };
}

/** ::ffff:a.b.c.d becomes the IPv4 address a.b.c.d (a dual-stack socket reports IPv4 peers this way). */
export function unmapIpv4(ip: IpAddress): IpAddress {
  if (ip.family === 6 && ip.value >> 32n === 0xffffn) return { family: 4, value: ip.value & 0xffffffffn };
  return ip;
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    const v = Number(ip.value);
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatCidr(c: Cidr): string {
  return `${formatIp({ family: c.family, value: c.network })}/${c.prefix}`;
}

function mask(family: IpFamily, prefix: number): bigint {
  const bits = BigInt(BITS[family]);
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

export function cidrContains(c: Cidr, ip: IpAddress): boolean {
  return c.family === ip.family && (ip.value & mask(c.family, c.prefix)) === c.network;
}

/** The minimal list of CIDRs covering exactly lo..hi (inclusive). */
export function rangeToCidrs(family: IpFamily, lo: bigint, hi: bigint): Cidr[] {
  const bits = BITS[family];
  const out: Cidr[] = [];
  while (lo <= hi) {
    // The largest aligned block starting at lo that does not pass hi.
    let size = 0;
    while (size < bits && ((lo >> BigInt(size)) & 1n) === 0n && lo + (1n << BigInt(size + 1)) - 1n <= hi) size++;
    out.push({ family, network: lo, prefix: bits - size });
    lo += 1n << BigInt(size);
  }
  return out;
}

export type ParseNetworkResult = { ok: true; cidrs: Cidr[] } | { ok: false; error: string };

function parsePrefix(family: IpFamily, suffix: string): number | string {
  const bits = BITS[family];
  if (/^\d{1,3}$/.test(suffix)) {
    const n = Number(suffix);
    return n <= bits ? n : `prefix length ${n} is over ${bits}`;
  }
  const m = parseIp(suffix);
  if (m === undefined || m.family !== family) return `invalid prefix length or netmask '${suffix}'`;
  // A netmask must be contiguous ones followed by zeros.
  for (let p = 0; p <= bits; p++) if (mask(family, p) === m.value) return p;
  return `netmask '${suffix}' is not contiguous`;
}

/** Parses a `radius_ip_N` value: an IP, `ip/prefix`, `ip/netmask` or a range `a-b`. */
export function parseNetwork(value: string): ParseNetworkResult {
  const text = value.trim();
  if (text === '') return { ok: false, error: 'empty value' };
  const dash = text.indexOf('-');
  if (dash >= 0) {
    const a = parseIp(text.slice(0, dash).trim());
    const b = parseIp(text.slice(dash + 1).trim());
    if (a === undefined || b === undefined) return { ok: false, error: `invalid IP range '${text}'` };
    if (a.family !== b.family) return { ok: false, error: `range '${text}' mixes IPv4 and IPv6` };
    if (a.value > b.value) return { ok: false, error: `range '${text}' ends before it starts` };
    return { ok: true, cidrs: rangeToCidrs(a.family, a.value, b.value) };
  }
  const slash = text.indexOf('/');
  const ip = parseIp(slash >= 0 ? text.slice(0, slash) : text);
  if (ip === undefined) return { ok: false, error: `invalid IP address '${text}'` };
  if (slash < 0) return { ok: true, cidrs: [unmapCidr({ family: ip.family, network: ip.value, prefix: BITS[ip.family] })] };
  const prefix = parsePrefix(ip.family, text.slice(slash + 1));
  if (typeof prefix === 'string') return { ok: false, error: prefix };
  return { ok: true, cidrs: [unmapCidr({ family: ip.family, network: ip.value & mask(ip.family, prefix), prefix })] };
}

/** An IPv4-mapped IPv6 network (::ffff:a.b.c.d/96+) is the IPv4 network it stands for, since sources
 *  are compared after unmapping. */
function unmapCidr(c: Cidr): Cidr {
  if (c.family === 6 && c.prefix >= 96 && c.network >> 32n === 0xffffn)
    return { family: 4, network: c.network & 0xffffffffn, prefix: c.prefix - 96 };
  return c;
}

// ---- matching -------------------------------------------------------------------------------------

export interface ClientNetwork {
  readonly cidrs: readonly Cidr[];
  readonly secret: string;
}

/** The clients of one server section, in config order. Sections are given in config order too. */
export interface ClientSection {
  readonly section: string;
  readonly clients: readonly ClientNetwork[];
}

export interface ClientMatch {
  readonly section: string;
  readonly secret: string;
  readonly cidr: Cidr;
}

export interface ClientMatcher {
  /** The section and secret for a source address, or undefined for an unknown client. */
  match(sourceIp: string): ClientMatch | undefined;
}

interface Entry {
  readonly cidr: Cidr;
  readonly m: ClientMatch;
  readonly order: number;
}

const CACHE_LIMIT = 10_000;

export function createClientMatcher(sections: readonly ClientSection[]): ClientMatcher {
  const entries: Entry[] = [];
  let order = 0;
  for (const s of sections)
    for (const c of s.clients)
      for (const cidr of c.cidrs) entries.push({ cidr, m: { section: s.section, secret: c.secret, cidr }, order: order++ });
  // Most specific first; on the same prefix the later entry (config order) first.
  entries.sort((x, y) => y.cidr.prefix - x.cidr.prefix || y.order - x.order);
  // Sources repeat (a handful of NASes), so memoise the answer per source string, bounded.
  const cache = new Map<string, ClientMatch | undefined>();
  return {
    match(sourceIp) {
      if (cache.has(sourceIp)) return cache.get(sourceIp);
      const parsed = parseIp(sourceIp);
      let found: ClientMatch | undefined;
      if (parsed !== undefined) {
        const ip = unmapIpv4(parsed);
        found = entries.find((e) => cidrContains(e.cidr, ip))?.m;
      }
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(sourceIp, found);
      return found;
    },
  };
}
