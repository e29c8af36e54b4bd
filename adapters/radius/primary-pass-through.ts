// Picking attributes by dictionary name for radius_client pass-through (reference §4.1, §4.6, §12):
// the server section's names choose request attributes to copy upstream, the client section's names
// choose upstream reply attributes to carry into the proxy's final answer.
import type { WireAttribute } from '../../machines/contracts.ts';
import { entries, VENDOR_SPECIFIC } from './attributes.ts';
import { type AttributeInfo, lookupAttribute } from './dictionary/index.ts';

/** An attribute identity: (vendor, type); vendor 0 is the standard space. */
export interface AttributeKey {
  readonly vendorId: number;
  readonly type: number;
}

export const keyOf = (def: Pick<AttributeInfo, 'vendorId' | 'type'>): AttributeKey => ({ vendorId: def.vendorId, type: def.type });

/** Dictionary keys of the names, in the given order, duplicates and unknown names left out. */
export function keysOf(names: readonly string[]): { keys: AttributeKey[]; unknown: string[] } {
  const keys: AttributeKey[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const def = lookupAttribute(name.trim());
    if (def === undefined) unknown.push(name);
    else if (!keys.some((k) => sameKey(k, def))) keys.push(keyOf(def));
  }
  return { keys, unknown };
}

export const sameKey = (a: AttributeKey, b: AttributeKey) => a.vendorId === b.vendorId && a.type === b.type;

function vsa(vendorId: number, type: number, value: Buffer): WireAttribute {
  const out = Buffer.alloc(6 + value.length);
  out.writeUInt32BE(vendorId, 0);
  out[4] = type;
  out[5] = value.length + 2;
  value.copy(out, 6);
  return { type: VENDOR_SPECIFIC, value: out.toString('base64') };
}

/**
 * Every value of each key, key by key in the given order (configured order: a deliberate deviation from
 * 4.0.2's random set order, design.md), each key's values in list order. A vendor attribute comes out
 * as a Vendor-Specific of its own even when the source packed several sub-attributes into one.
 */
export function selectByKeys(list: readonly WireAttribute[], keys: readonly AttributeKey[]): WireAttribute[] {
  const all = entries(list);
  const out: WireAttribute[] = [];
  for (const k of keys)
    for (const e of all) {
      if (!sameKey(e, k)) continue;
      // A value too long for a VSA of its own cannot have come from a well-formed VSA; skip it.
      if (k.vendorId === 0) out.push({ type: e.type, value: e.value.toString('base64') });
      else if (e.value.length <= 247) out.push(vsa(k.vendorId, k.type, e.value));
    }
  return out;
}

/** The list without the standard attributes of these types (VSAs are kept whole). */
export function withoutTypes(list: readonly WireAttribute[], types: ReadonlySet<number>): WireAttribute[] {
  return list.filter((a) => !types.has(a.type));
}
