// NTLMSSP messages for an LDAP SASL bind (MS-NLMP), the way Duo's proxy binds to AD with
// auth_type=ntlm1|ntlm2: a NEGOTIATE, the server's CHALLENGE, then an AUTHENTICATE carrying an NTLMv2
// response (ntlm2) or an NTLMv1 response with extended session security (ntlm1). Neither the service
// nor the user password crosses the wire. We negotiate neither signing nor sealing, so the LDAP
// traffic after the bind stays plain (or inside TLS), as with Duo's proxy; hence no session key, no
// key exchange and no MIC either.
// Crypto: MD4 is ours (md4.ts); DES is 3DES with K1=K2=K3, because OpenSSL 3 keeps single DES in the
// legacy provider but has des-ede3 in the default one.
import { createCipheriv, createHmac, createHash, randomBytes } from 'node:crypto';
import { md4 } from './md4.ts';

export const NtlmFlag = {
  Unicode: 0x00000001,
  Oem: 0x00000002,
  RequestTarget: 0x00000004,
  Sign: 0x00000010,
  Seal: 0x00000020,
  Ntlm: 0x00000200,
  AlwaysSign: 0x00008000,
  ExtendedSessionSecurity: 0x00080000,
  TargetInfo: 0x00800000,
  Version: 0x02000000,
  KeyExchange: 0x40000000,
} as const;

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');
const AV_EOL = 0;
const AV_NB_DOMAIN = 2;
const AV_TIMESTAMP = 7;

/** What we ask for: Unicode names, NTLM, extended session security; no signing or sealing. */
const REQUESTED =
  NtlmFlag.Unicode | NtlmFlag.RequestTarget | NtlmFlag.Ntlm | NtlmFlag.AlwaysSign | NtlmFlag.ExtendedSessionSecurity;

/** Type 1. Domain and workstation are not sent here (they go in the AUTHENTICATE message). */
export function negotiateMessage(): Buffer {
  const msg = Buffer.alloc(32);
  SIGNATURE.copy(msg, 0);
  msg.writeUInt32LE(1, 8);
  msg.writeUInt32LE(REQUESTED, 12);
  // Empty DomainName and Workstation fields: length 0, offset at the end of the header.
  msg.writeUInt32LE(32, 20);
  msg.writeUInt32LE(32, 28);
  return msg;
}

export interface NtlmChallenge {
  flags: number;
  serverChallenge: Buffer;
  /** The raw AV_PAIR list (empty if the server sent none); NTLMv2 echoes it in its response. */
  targetInfo: Buffer;
  /** MsvAvNbDomainName: the server's NetBIOS domain, the fallback when no domain is configured. */
  nbDomain: string | undefined;
  /** MsvAvTimestamp (8 bytes, FILETIME), which the NTLMv2 response should reuse. */
  timestamp: Buffer | undefined;
}

/** Parses a type 2 message; undefined if it is not one or its fields point outside it. */
export function parseChallenge(buf: Buffer): NtlmChallenge | undefined {
  if (buf.length < 32 || !buf.subarray(0, 8).equals(SIGNATURE) || buf.readUInt32LE(8) !== 2) return undefined;
  const flags = buf.readUInt32LE(20);
  const serverChallenge = Buffer.from(buf.subarray(24, 32));
  let targetInfo = Buffer.alloc(0);
  if (buf.length >= 48) {
    const len = buf.readUInt16LE(40);
    const off = buf.readUInt32LE(44);
    if (off + len > buf.length) return undefined;
    targetInfo = Buffer.from(buf.subarray(off, off + len));
  }
  let nbDomain: string | undefined;
  let timestamp: Buffer | undefined;
  for (let p = 0; p + 4 <= targetInfo.length; ) {
    const id = targetInfo.readUInt16LE(p);
    const len = targetInfo.readUInt16LE(p + 2);
    if (id === AV_EOL || p + 4 + len > targetInfo.length) break;
    const value = targetInfo.subarray(p + 4, p + 4 + len);
    if (id === AV_NB_DOMAIN) nbDomain = value.toString('utf16le');
    if (id === AV_TIMESTAMP && len === 8) timestamp = Buffer.from(value);
    p += 4 + len;
  }
  return { flags, serverChallenge, targetInfo, nbDomain, timestamp };
}

export interface NtlmCredentials {
  username: string;
  password: string;
  /** Empty: the server's NetBIOS domain from the challenge. */
  domain: string;
  workstation: string;
}

export interface NtlmOptions {
  /** For tests (MS-NLMP §4.2 vectors); random otherwise. */
  clientChallenge?: Buffer;
  /** FILETIME to use when the challenge carries no timestamp; now otherwise. */
  timestamp?: Buffer;
}

/** NTOWFv1: MD4 of the UTF-16LE password. */
export function ntowfv1(password: string): Buffer {
  return md4(Buffer.from(password, 'utf16le'));
}

/** NTOWFv2: HMAC-MD5 keyed with NTOWFv1 over UTF-16LE(UPPER(user) + domain). */
export function ntowfv2(password: string, username: string, domain: string): Buffer {
  return hmacMd5(ntowfv1(password), Buffer.from(username.toUpperCase() + domain, 'utf16le'));
}

/** DESL (MS-NLMP §6): three DES encryptions of an 8-byte block with the 16-byte key split 7/7/2+zeros. */
export function desl(key16: Buffer, data8: Buffer): Buffer {
  const k = Buffer.concat([key16, Buffer.alloc(5)]);
  return Buffer.concat([0, 7, 14].map((o) => desEncrypt(k.subarray(o, o + 7), data8)));
}

/** NTLMv1 responses. With extended session security: the "NTLM2 session response". */
export function ntlmv1Responses(challenge: NtlmChallenge, password: string, clientChallenge: Buffer): { lm: Buffer; nt: Buffer } {
  const key = ntowfv1(password);
  if (challenge.flags & NtlmFlag.ExtendedSessionSecurity) {
    const digest = createHash('md5').update(challenge.serverChallenge).update(clientChallenge).digest().subarray(0, 8);
    return { lm: Buffer.concat([clientChallenge, Buffer.alloc(16)]), nt: desl(key, digest) };
  }
  // Without ESS the LM response would need the LM hash (ASCII, 14 characters at most); MS-NLMP lets
  // the client repeat the NT response instead.
  const nt = desl(key, challenge.serverChallenge);
  return { lm: nt, nt };
}

/** NTLMv2 responses (MS-NLMP §3.3.2). */
export function ntlmv2Responses(
  challenge: NtlmChallenge,
  creds: { username: string; password: string; domain: string },
  clientChallenge: Buffer,
  timestamp: Buffer,
): { lm: Buffer; nt: Buffer } {
  const key = ntowfv2(creds.password, creds.username, creds.domain);
  const temp = Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    timestamp,
    clientChallenge,
    Buffer.alloc(4),
    challenge.targetInfo,
    Buffer.alloc(4),
  ]);
  const proof = hmacMd5(key, Buffer.concat([challenge.serverChallenge, temp]));
  const nt = Buffer.concat([proof, temp]);
  // With a timestamp in the challenge the client should send a zero LMv2 response (MS-NLMP §3.1.5.1.2).
  const lm =
    challenge.timestamp !== undefined
      ? Buffer.alloc(24)
      : Buffer.concat([hmacMd5(key, Buffer.concat([challenge.serverChallenge, clientChallenge])), clientChallenge]);
  return { lm, nt };
}

/** Type 3. `version` 2 = NTLMv2 (Duo's ntlm2), 1 = NTLMv1 (ntlm1). */
export function authenticateMessage(
  version: 1 | 2,
  challenge: NtlmChallenge,
  creds: NtlmCredentials,
  opts: NtlmOptions = {},
): Buffer {
  const clientChallenge = opts.clientChallenge ?? randomBytes(8);
  const domain = (creds.domain || challenge.nbDomain || '').toUpperCase();
  const unicode = (challenge.flags & NtlmFlag.Unicode) !== 0;
  const text = (s: string): Buffer => Buffer.from(s, unicode ? 'utf16le' : 'latin1');
  const { lm, nt } =
    version === 2
      ? ntlmv2Responses(
          challenge,
          { ...creds, domain },
          clientChallenge,
          challenge.timestamp ?? opts.timestamp ?? filetime(Date.now()),
        )
      : ntlmv1Responses(challenge, creds.password, clientChallenge);
  let flags = (REQUESTED & challenge.flags) | (unicode ? 0 : NtlmFlag.Oem);
  if (version === 2 && challenge.targetInfo.length > 0) flags |= NtlmFlag.TargetInfo;

  // Header: signature, type, six (len, maxlen, offset) fields, flags; payload follows at 64.
  const fields = [lm, nt, text(domain), text(creds.username), text(creds.workstation.toUpperCase()), Buffer.alloc(0)];
  const header = Buffer.alloc(64);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(3, 8);
  let offset = header.length;
  fields.forEach((f, i) => {
    header.writeUInt16LE(f.length, 12 + i * 8);
    header.writeUInt16LE(f.length, 14 + i * 8);
    header.writeUInt32LE(offset, 16 + i * 8);
    offset += f.length;
  });
  header.writeUInt32LE(flags >>> 0, 60);
  return Buffer.concat([header, ...fields]);
}

/** Windows FILETIME (100 ns ticks since 1601-01-01), 8 bytes little-endian. */
export function filetime(ms: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE((BigInt(Math.floor(ms)) + 11644473600000n) * 10000n);
  return out;
}

function hmacMd5(key: Buffer, data: Buffer): Buffer {
  return createHmac('md5', key).update(data).digest();
}

/** Single DES of one block with a 7-byte key (parity bits added), as 3DES with three equal keys. */
function desEncrypt(key7: Buffer, block: Buffer): Buffer {
  const k = Buffer.alloc(8);
  k[0] = key7[0]! & 0xfe;
  for (let i = 1; i < 7; i++) k[i] = ((key7[i - 1]! << (8 - i)) | (key7[i]! >> i)) & 0xfe;
  k[7] = (key7[6]! << 1) & 0xfe;
  const cipher = createCipheriv('des-ede3-ecb', Buffer.concat([k, k, k]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}
