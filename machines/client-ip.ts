// The `ipaddr` sent to Duo (reference §6.1, §19.4). `isIP` from node:net is a pure string check.
import { isIP } from 'node:net';

/** What Duo gets when there is no usable client IP. */
export const NO_CLIENT_IP = '0.0.0.0';

/** preauth (every mode) and /auth in challenge mode: the attribute's raw value, not validated.
 *  An absent or empty attribute gives 0.0.0.0. */
export function rawIpaddr(attrValue: string | undefined): string {
  return attrValue ? attrValue : NO_CLIENT_IP;
}

/** /auth in auto, duo_only and concat: `ip_util.is_valid_ip`, else 0.0.0.0. */
export function validatedIpaddr(attrValue: string | undefined): string {
  return attrValue !== undefined && isValidIpSpec(attrValue) ? attrValue : NO_CLIENT_IP;
}

/** A single address (v4 or v6), a CIDR (`10.0.0.0/24`, `10.0.0.0/255.255.255.0`) or a range (`a-b`, a ≤ b). */
export function isValidIpSpec(value: string): boolean {
  const dash = value.indexOf('-');
  if (dash >= 0) {
    const lo = value.slice(0, dash).trim();
    const hi = value.slice(dash + 1).trim();
    const v = isIP(lo);
    if (v === 0 || isIP(hi) !== v) return false;
    return ipToBigInt(lo) <= ipToBigInt(hi);
  }
  const slash = value.indexOf('/');
  if (slash < 0) return isIP(value) !== 0;
  const addr = value.slice(0, slash);
  const suffix = value.slice(slash + 1);
  const v = isIP(addr);
  if (v === 0) return false;
  if (/^[0-9]{1,3}$/.test(suffix)) return Number(suffix) <= (v === 4 ? 32 : 128);
  return v === 4 && isIP(suffix) === 4 && isContiguousMask(ipToBigInt(suffix));
}

function isContiguousMask(mask: bigint): boolean {
  const inverted = ~mask & 0xffffffffn;
  return (inverted & (inverted + 1n)) === 0n;
}

/** Numeric value of a valid IPv4 or IPv6 address (zone id ignored). */
export function ipToBigInt(ip: string): bigint {
  if (isIP(ip) === 4) return ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  let text = ip.split('%')[0] as string;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipToBigInt(v4[1] as string);
    text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}
