// The few RADIUS attribute numbers the login logic reads or writes, and request classification
// (reference §8.1: EAP, MS-CHAP2-CPW, MS-CHAPv2 or PAP). Values travel base64 (contracts.ts).
import type { WireAttribute } from './contracts.ts';

export const AttributeType = {
  UserName: 1,
  UserPassword: 2,
  ReplyMessage: 18,
  State: 24,
  Class: 25,
  VendorSpecific: 26,
  EapMessage: 79,
} as const;

const MICROSOFT_VENDOR_ID = 311;
export const MicrosoftAttribute = { MsChapChallenge: 11, MsChap2Response: 25, MsChap2Cpw: 27 } as const;
/** pyrad's MS_CHAP2_REQUEST_ATTRS: any of them makes a request MS-CHAPv2. */
const MS_CHAP2_REQUEST_ATTRS: readonly number[] = [
  MicrosoftAttribute.MsChapChallenge,
  MicrosoftAttribute.MsChap2Response,
  MicrosoftAttribute.MsChap2Cpw,
];

export interface RequestShape {
  eap: boolean;
  mschapCpw: boolean;
  mschap2: boolean;
}

export function classifyRequest(attributes: readonly WireAttribute[]): RequestShape {
  const ms = new Set<number>();
  for (const a of attributes) if (a.type === AttributeType.VendorSpecific) for (const t of microsoftSubTypes(a.value)) ms.add(t);
  return {
    eap: attributes.some((a) => a.type === AttributeType.EapMessage),
    mschapCpw: ms.has(MicrosoftAttribute.MsChap2Cpw),
    mschap2: MS_CHAP2_REQUEST_ATTRS.some((t) => ms.has(t)),
  };
}

/** Sub-attribute types of a Microsoft Vendor-Specific value (vendor id, then type/length/value triples). */
function microsoftSubTypes(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < 6 || bytes.readUInt32BE(0) !== MICROSOFT_VENDOR_ID) return [];
  const types: number[] = [];
  for (let i = 4; i + 2 <= bytes.length; ) {
    const len = bytes[i + 1] as number;
    if (len < 2) break;
    types.push(bytes[i] as number);
    i += len;
  }
  return types;
}

export function textAttribute(type: number, text: string): WireAttribute {
  return { type, value: Buffer.from(text, 'utf8').toString('base64') };
}
