// The few attributes of a login request the engine reads, decoded once; User-Password unhidden with the
// section's secret and decoded with its pw_codec (a failure is `Cannot decode password`, reference §5.1).
import type { LoginRequestMessage } from '../adapters/bus/login-rpc.ts';
import { entries } from '../adapters/radius/attributes.ts';
import { Attr, decodePasswordText, unhidePassword } from '../adapters/radius/codec/index.ts';
import { lookupAttribute } from '../adapters/radius/dictionary/index.ts';

export interface RequestView {
  username: string | undefined;
  password: string | undefined;
  passwordUndecodable: boolean;
  clientIpAttrValue: string | undefined;
  state: string | undefined;
}

/** The few attributes the login logic reads, decoded; User-Password unhidden with the section secret.
 *  One pass over the attributes (findValues per name would decode the whole list four times). */
export function readRequest(req: LoginRequestMessage, secret: string, server: { clientIpAttr: string; pwCodec: string }): RequestView {
  const ipAttr = lookupAttribute(server.clientIpAttr);
  let userName: Buffer | undefined;
  let hidden: Buffer | undefined;
  let stateBytes: Buffer | undefined;
  let ipValue: Buffer | undefined;
  for (const e of entries(req.attributes)) {
    if (e.vendorId === 0 && e.type === Attr.UserName) userName ??= e.value;
    else if (e.vendorId === 0 && e.type === Attr.UserPassword) hidden ??= e.value;
    else if (e.vendorId === 0 && e.type === Attr.State) stateBytes ??= e.value;
    if (ipAttr !== undefined && e.vendorId === ipAttr.vendorId && e.type === ipAttr.type) ipValue ??= e.value;
  }
  let password: string | undefined;
  let passwordUndecodable = false;
  if (hidden !== undefined) {
    const bytes = unhidePassword(hidden, secret, Buffer.from(req.authenticator, 'base64'));
    const text = bytes.ok ? decodePasswordText(bytes.value, server.pwCodec) : { ok: false as const };
    if (text.ok) password = text.text;
    else passwordUndecodable = true;
  }
  return {
    username: userName?.toString('utf8'),
    password,
    passwordUndecodable,
    clientIpAttrValue: ipValue?.toString('utf8'),
    state: stateBytes?.toString('latin1'),
  };
}
