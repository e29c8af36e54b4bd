// The device profiles by name (and alias).
import { ciscoAsaAnyConnect, ciscoAsaClientless } from './cisco-asa.ts';
import { fortigate } from './fortinet.ts';
import { genericNas } from './generic.ts';
import { ivanti, juniperSa } from './ivanti.ts';
import { paloAltoGlobalProtect } from './paloalto.ts';
import type { DeviceProfile } from './types.ts';

export type { DeviceProfile, ProfileAttribute } from './types.ts';

export const PROFILES: readonly DeviceProfile[] = [ciscoAsaAnyConnect, ciscoAsaClientless, ivanti, juniperSa, paloAltoGlobalProtect, fortigate, genericNas];

const byName = new Map<string, DeviceProfile>();
for (const p of PROFILES) for (const n of [p.name, ...(p.aliases ?? [])]) byName.set(n, p);

export function findProfile(name: string): DeviceProfile | undefined {
  return byName.get(name.toLowerCase());
}

/** Every accepted name, for error messages. */
export const PROFILE_NAMES: readonly string[] = [...byName.keys()];
