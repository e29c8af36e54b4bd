// The few LDAP messages we write and read ourselves, binary-safe: BindRequest (simple, or SASL with raw
// bytes), the StartTLS ExtendedRequest, UnbindRequest, and the LDAPResult of their responses with the
// SASL serverSaslCreds kept as bytes. ldapts 8 can't carry an NTLM bind: it writes SASL credentials
// with writeString (UTF-8, a Buffer throws) and decodes serverSaslCreds as UTF-8, which mangles
// NTLMSSP tokens (reference samba-ad.md §3). So sessions are opened and bound here, with ldapts' own
// BER writer and reader, and the bound socket is then handed to an ldapts Client for searches.
import { BerReader, BerWriter } from 'ldapts';

const Tag = {
  BindRequest: 0x60,
  BindResponse: 0x61,
  UnbindRequest: 0x42,
  ExtendedRequest: 0x77,
  ExtendedResponse: 0x78,
  SimpleAuth: 0x80,
  SaslAuth: 0xa3,
  ExtendedRequestName: 0x80,
  ServerSaslCreds: 0x87,
  ExtendedResponseName: 0x8a,
} as const;

export const START_TLS_OID = '1.3.6.1.4.1.1466.20037';
/** RFC 4511 §4.4.1: the unsolicited notification a server sends before it drops the connection. */
export const NOTICE_OF_DISCONNECTION_OID = '1.3.6.1.4.1.1466.20036';

export const ResultCode = { Success: 0, SaslBindInProgress: 14 } as const;

function envelope(messageId: number, write: (w: BerWriter) => void): Buffer {
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(messageId);
  write(w);
  w.endSequence();
  return w.buffer;
}

export function encodeSimpleBind(messageId: number, dn: string, password: string): Buffer {
  return envelope(messageId, (w) => {
    w.startSequence(Tag.BindRequest);
    w.writeInt(3);
    w.writeString(dn);
    w.writeBuffer(Buffer.from(password, 'utf8'), Tag.SimpleAuth);
    w.endSequence();
  });
}

export function encodeSaslBind(messageId: number, dn: string, mechanism: string, credentials: Buffer): Buffer {
  return envelope(messageId, (w) => {
    w.startSequence(Tag.BindRequest);
    w.writeInt(3);
    w.writeString(dn);
    w.startSequence(Tag.SaslAuth);
    w.writeString(mechanism);
    w.writeBuffer(credentials, 0x04);
    w.endSequence();
    w.endSequence();
  });
}

export function encodeStartTls(messageId: number): Buffer {
  return envelope(messageId, (w) => {
    w.startSequence(Tag.ExtendedRequest);
    w.writeString(START_TLS_OID, Tag.ExtendedRequestName);
    w.endSequence();
  });
}

export function encodeUnbind(messageId: number): Buffer {
  return envelope(messageId, (w) => w.writeBuffer(Buffer.alloc(0), Tag.UnbindRequest));
}

export interface LdapResult {
  messageId: number;
  /** The protocolOp tag: 0x61 BindResponse, 0x78 ExtendedResponse, ... */
  op: number;
  resultCode: number;
  matchedDn: string;
  diagnosticMessage: string;
  serverSaslCreds?: Buffer;
  responseName?: string;
}

/** Total length of the first complete BER element in `buf`, or undefined if more bytes are needed.
 *  Throws on something that is not an LDAPMessage (the caller drops the connection). */
export function frameLength(buf: Buffer): number | undefined {
  if (buf.length < 2) return undefined;
  if (buf[0] !== 0x30) throw new Error(`not an LDAP message (tag 0x${buf[0]!.toString(16)})`);
  const first = buf[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4) throw new Error('bad LDAP message length');
  if (buf.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + buf[2 + i]!;
  return 2 + n + len;
}

/** Decodes an LDAPMessage whose protocolOp is an LDAPResult (bind, extended...). Undefined if the
 *  frame is not one. */
export function decodeResult(frame: Buffer): LdapResult | undefined {
  try {
    const r = new BerReader(frame);
    r.readSequence(0x30);
    const messageId = r.readInt();
    const op = r.readSequence();
    if (messageId === null || op === null) return undefined;
    const end = r.offset + r.length;
    const resultCode = r.readEnumeration();
    const matchedDn = r.readString();
    const diagnosticMessage = r.readString();
    if (resultCode === null || matchedDn === null || diagnosticMessage === null) return undefined;
    const result: LdapResult = { messageId, op, resultCode, matchedDn, diagnosticMessage };
    while (r.offset < end) {
      const tag = r.peek();
      if (tag === null) break;
      const value = r.readString(tag, true);
      if (value === null) return undefined;
      if (op === Tag.BindResponse && tag === Tag.ServerSaslCreds) result.serverSaslCreds = Buffer.from(value);
      if (op === Tag.ExtendedResponse && tag === Tag.ExtendedResponseName) result.responseName = value.toString('utf8');
    }
    return result;
  } catch {
    return undefined;
  }
}
