// Lookup over the generated dictionaries: by name (case-insensitive, like FreeRADIUS) and by
// (vendor, type). Vendor 0 is the standard RFC space. This file is hand-written; its siblings named after
// a dictionary are generated (scripts/gen-dictionary.ts).
import { cisco } from './cisco.ts';
import { fortinet } from './fortinet.ts';
import { juniper } from './juniper.ts';
import { microsoft } from './microsoft.ts';
import { paloalto } from './paloalto.ts';
import { rfc } from './rfc.ts';
import type { AttributeDef, DictionaryFile } from './types.ts';

export type { AttributeDef, DictionaryFile, ValueType } from './types.ts';

export interface AttributeInfo extends AttributeDef {
  /** 0 for standard attributes, else the IANA enterprise number. */
  readonly vendorId: number;
  readonly vendorName?: string;
}

export const DICTIONARIES: readonly DictionaryFile[] = [rfc, cisco, microsoft, juniper, paloalto, fortinet];

const byName = new Map<string, AttributeInfo>();
const byCode = new Map<string, AttributeInfo>();
const vendorsByName = new Map<string, number>();
const vendorsById = new Map<number, string>();

for (const file of DICTIONARIES) {
  const vendorId = file.vendor?.id ?? 0;
  if (file.vendor) {
    vendorsByName.set(file.vendor.name.toLowerCase(), file.vendor.id);
    vendorsById.set(file.vendor.id, file.vendor.name);
  }
  for (const def of file.attributes) {
    const info: AttributeInfo = file.vendor ? { ...def, vendorId, vendorName: file.vendor.name } : { ...def, vendorId };
    // The first definition of a name or a number wins; later ones are aliases (MS-MPPE-Encryption-Types).
    if (!byName.has(def.name.toLowerCase())) byName.set(def.name.toLowerCase(), info);
    const key = `${vendorId}:${def.type}`;
    if (!byCode.has(key)) byCode.set(key, info);
  }
}

export function lookupAttribute(name: string): AttributeInfo | undefined {
  return byName.get(name.toLowerCase());
}

export function attributeByCode(vendorId: number, type: number): AttributeInfo | undefined {
  return byCode.get(`${vendorId}:${type}`);
}

export function vendorId(name: string): number | undefined {
  return vendorsByName.get(name.toLowerCase());
}

export function vendorName(id: number): string | undefined {
  return vendorsById.get(id);
}
