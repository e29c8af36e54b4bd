// duo_only's Class attribute (reference §10 step 6, §19.10): `OU=<first group>;` in UTF-8 on an accept,
// when preauth returned a non-empty `groups`. No preauth result (exempt user, preauth failure) → none.
import type { WireAttribute } from './contracts.ts';
import { AttributeType, textAttribute } from './radius-attributes.ts';

export function classValue(groups: readonly string[] | undefined): string | undefined {
  return groups && groups.length > 0 ? `OU=${groups[0]};` : undefined;
}

export function classAttributes(groups: readonly string[] | undefined): WireAttribute[] {
  const value = classValue(groups);
  return value === undefined ? [] : [textAttribute(AttributeType.Class, value)];
}
