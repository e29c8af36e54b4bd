// Building and reading attributes by dictionary name, as WireAttribute (machines/contracts.ts: type +
// base64 value, VSAs whole) or as the codec's RawAttribute. Vendor-Specific values use the RFC 2865 §5.26
// layout that all our vendors use: vendor id (4 bytes), vendor type (1), vendor length (1), data.
import type { WireAttribute } from '../../machines/contracts.ts';
import type { RawAttribute } from './codec/types.ts';
import { type AttributeInfo, attributeByCode, lookupAttribute, vendorName } from './dictionary/index.ts';
import { formatIp, parseIp } from './networks.ts';

export const VENDOR_SPECIFIC = 26;

export type AttributeValue = string | number | bigint | Uint8Array | Date;
export type BuildResult = { ok: true; attribute: WireAttribute } | { ok: false; error: string };

export function toRaw(a: WireAttribute): RawAttribute {
  return { type: a.type, value: Buffer.from(a.value, 'base64') };
}

export function toWire(a: RawAttribute): WireAttribute {
  return { type: a.type, value: a.value.toString('base64') };
}

function uint(bytes: number, n: number | bigint): Buffer | string {
  const max = (1n << BigInt(bytes * 8)) - 1n;
  const v = typeof n === 'bigint' ? n : Number.isInteger(n) ? BigInt(n) : -1n;
  if (v < 0n || v > max) return `value ${n} does not fit ${bytes} bytes`;
  const buf = Buffer.alloc(bytes);
  for (let i = bytes - 1, x = v; i >= 0; i--, x >>= 8n) buf[i] = Number(x & 0xffn);
  return buf;
}

/** Encodes a value for an attribute's type. Returns the value bytes or an error message. */
export function encodeValue(def: AttributeInfo, value: AttributeValue): Buffer | string {
  if (value instanceof Uint8Array) return Buffer.from(value);
  switch (def.valueType) {
    case 'string':
    case 'octets':
      return typeof value === 'string' ? Buffer.from(value, 'utf8') : `${def.name} needs a string or bytes`;
    case 'ipaddr':
    case 'ipv6addr': {
      const ip = typeof value === 'string' ? parseIp(value) : undefined;
      const want = def.valueType === 'ipaddr' ? 4 : 6;
      if (ip === undefined || ip.family !== want) return `${def.name} needs an IPv${want} address`;
      return uint(want === 4 ? 4 : 16, ip.value);
    }
    case 'integer':
    case 'short':
    case 'byte':
    case 'integer64':
    case 'signed':
    case 'date': {
      let n: number | bigint | undefined;
      if (value instanceof Date) n = Math.floor(value.getTime() / 1000);
      else if (typeof value === 'string') n = def.values?.[value] ?? (/^\d+$/.test(value) ? Number(value) : undefined);
      else n = value;
      if (n === undefined) return `${def.name} has no value named '${String(value)}'`;
      if (def.valueType === 'signed') n = typeof n === 'number' && n < 0 ? n + 2 ** 32 : n;
      const size = { integer: 4, date: 4, signed: 4, short: 2, byte: 1, integer64: 8 }[def.valueType];
      const bytes = uint(size, n);
      // A tagged integer (RFC 2868) is a tag byte and 3 value bytes; tag 0 means untagged.
      if (def.hasTag && typeof bytes !== 'string') return bytes[0] === 0 ? bytes : `${def.name} value over 24 bits`;
      return bytes;
    }
    default:
      return `${def.name} (${def.valueType}) needs raw bytes`;
  }
}

/** Builds one attribute by dictionary name; a vendor attribute becomes a whole Vendor-Specific. */
export function buildAttribute(name: string, value: AttributeValue): BuildResult {
  const def = lookupAttribute(name);
  if (def === undefined) return { ok: false, error: `unknown RADIUS attribute '${name}'` };
  const bytes = encodeValue(def, value);
  if (typeof bytes === 'string') return { ok: false, error: bytes };
  if (def.vendorId === 0) {
    if (bytes.length > 253) return { ok: false, error: `${def.name} value over 253 bytes` };
    return { ok: true, attribute: { type: def.type, value: bytes.toString('base64') } };
  }
  if (bytes.length > 247) return { ok: false, error: `${def.name} value over 247 bytes` };
  const vsa = Buffer.alloc(6 + bytes.length);
  vsa.writeUInt32BE(def.vendorId, 0);
  vsa[4] = def.type;
  vsa[5] = bytes.length + 2;
  bytes.copy(vsa, 6);
  return { ok: true, attribute: { type: VENDOR_SPECIFIC, value: vsa.toString('base64') } };
}

/** Like buildAttribute, for names and values fixed in code: a mistake there is a bug, so it throws. */
export function attr(name: string, value: AttributeValue): WireAttribute {
  const r = buildAttribute(name, value);
  if (!r.ok) throw new TypeError(r.error);
  return r.attribute;
}

/** One (sub-)attribute read from the wire, with its dictionary entry when known. */
export interface AttributeEntry {
  readonly vendorId: number;
  readonly type: number;
  readonly def: AttributeInfo | undefined;
  readonly value: Buffer;
}

/** Splits a Vendor-Specific value into its sub-attributes; undefined when it is not well formed. */
export function splitVsa(value: Buffer): { vendorId: number; subs: { type: number; value: Buffer }[] } | undefined {
  if (value.length < 6) return undefined;
  const vendorId = value.readUInt32BE(0);
  const subs: { type: number; value: Buffer }[] = [];
  for (let off = 4; off < value.length; ) {
    const len = value[off + 1];
    if (len === undefined || len < 2 || off + len > value.length) return undefined;
    subs.push({ type: value[off]!, value: value.subarray(off + 2, off + len) });
    off += len;
  }
  return { vendorId, subs };
}

/** Every attribute of a list, with VSAs opened into their sub-attributes. */
export function entries(list: readonly (WireAttribute | RawAttribute)[]): AttributeEntry[] {
  const out: AttributeEntry[] = [];
  for (const a of list) {
    const raw = typeof a.value === 'string' ? toRaw(a as WireAttribute) : (a as RawAttribute);
    const vsa = raw.type === VENDOR_SPECIFIC ? splitVsa(raw.value) : undefined;
    if (vsa === undefined) {
      out.push({ vendorId: 0, type: raw.type, def: attributeByCode(0, raw.type), value: raw.value });
      continue;
    }
    for (const s of vsa.subs)
      out.push({ vendorId: vsa.vendorId, type: s.type, def: attributeByCode(vsa.vendorId, s.type), value: s.value });
  }
  return out;
}

/** The raw values of every attribute (or vendor sub-attribute) with this dictionary name, in order. */
export function findValues(list: readonly (WireAttribute | RawAttribute)[], name: string): Buffer[] {
  const def = lookupAttribute(name);
  if (def === undefined) return [];
  return entries(list)
    .filter((e) => e.vendorId === def.vendorId && e.type === def.type)
    .map((e) => e.value);
}

/** The first value of a string attribute as UTF-8 text (lossy; for names and messages, not passwords). */
export function findString(list: readonly (WireAttribute | RawAttribute)[], name: string): string | undefined {
  return findValues(list, name)[0]?.toString('utf8');
}

/** A value decoded for its type: text, number, address; octets and unknown types stay bytes. */
export function decodeValue(def: AttributeInfo | undefined, value: Buffer): string | number | bigint | Buffer {
  switch (def?.valueType) {
    case 'string':
      return value.toString('utf8');
    case 'ipaddr':
      return value.length === 4 ? formatIp({ family: 4, value: BigInt(value.readUInt32BE(0)) }) : value;
    case 'ipv6addr':
      return value.length === 16 ? formatIp({ family: 6, value: BigInt(`0x${value.toString('hex')}`) }) : value;
    case 'integer':
    case 'date':
      if (value.length !== 4) return value;
      return def.hasTag ? value.readUIntBE(1, 3) : value.readUInt32BE(0);
    case 'signed':
      return value.length === 4 ? value.readInt32BE(0) : value;
    case 'short':
      return value.length === 2 ? value.readUInt16BE(0) : value;
    case 'byte':
      return value.length === 1 ? value[0]! : value;
    case 'integer64':
      return value.length === 8 ? value.readBigUInt64BE(0) : value;
    default:
      return value;
  }
}

/** `Vendor-Specific` names for attributes the dictionary lacks: `Attr-250`, `Vendor-9-Attr-99`. */
export function entryName(e: AttributeEntry): string {
  if (e.def) return e.def.name;
  if (e.vendorId === 0) return `Attr-${e.type}`;
  return `${vendorName(e.vendorId) ?? `Vendor-${e.vendorId}`}-Attr-${e.type}`;
}
