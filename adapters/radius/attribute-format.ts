// Attributes as text for logs. Passwords, CHAP/MS-CHAP responses, tunnel passwords and key material are
// never printed, only `<redacted>`; EAP-Message (it may carry inner credentials) and State (a challenge's
// key) show their size only.
import type { WireAttribute } from '../../machines/contracts.ts';
import { maskEnrollmentCodes } from '../../machines/redact.ts';
import { decodeValue, entries, entryName } from './attributes.ts';
import type { RawAttribute } from './codec/types.ts';

const SECRET_NAMES = new Set([
  'User-Password',
  'CHAP-Password',
  'ARAP-Password',
  'Tunnel-Password',
  'MS-CHAP-Response',
  'MS-CHAP2-Response',
  'MS-CHAP-LM-Enc-PW',
  'MS-CHAP-NT-Enc-PW',
  'MS-CHAP-CPW-1',
  'MS-CHAP-CPW-2',
  'MS-CHAP2-CPW',
  'MS-CHAP-MPPE-Keys',
  'MS-MPPE-Send-Key',
  'MS-MPPE-Recv-Key',
  'MS-Old-ARAP-Password',
  'MS-New-ARAP-Password',
]);
// A State is a challenge's key: whoever reads it may answer the challenge. Its size only.
const SIZE_ONLY = new Set(['EAP-Message', 'State']);

function quote(s: string): string {
  return JSON.stringify(s);
}

/** `name=value` for each attribute (VSAs opened), secrets redacted. */
export function describeAttributes(list: readonly (WireAttribute | RawAttribute)[]): string[] {
  return entries(list).map((e) => {
    const name = entryName(e);
    if (SECRET_NAMES.has(name) || e.def?.encrypt !== undefined) return `${name}=<redacted>`;
    if (SIZE_ONLY.has(name)) return `${name}=<${e.value.length} bytes>`;
    const v = decodeValue(e.def, e.value);
    if (Buffer.isBuffer(v)) return `${name}=0x${v.toString('hex')}`;
    if (typeof v === 'string') return `${name}=${e.def?.valueType === 'string' ? quote(maskEnrollmentCodes(v)) : v}`;
    const named = e.def?.values && Object.entries(e.def.values).find(([, n]) => n === v)?.[0];
    return `${name}=${named ?? String(v)}`;
  });
}

/** One line for a log: `User-Name="alice", User-Password=<redacted>, NAS-Port=1`. */
export function formatAttributes(list: readonly (WireAttribute | RawAttribute)[]): string {
  return describeAttributes(list).join(', ');
}
