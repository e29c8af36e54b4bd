// A RADIUS device built on our own client, for what radclient cannot do: send from another loopback
// address (foreign-IP challenge answers), send bytes that are not valid UTF-8 as a password.
import { attr, findValues } from '../../adapters/radius/attributes.ts';
import { createRadiusClient } from '../../adapters/radius/client.ts';
import type { RawAttribute } from '../../adapters/radius/codec/types.ts';
import type { WireAttribute } from '../../machines/contracts.ts';
import { SECRET } from './stack.ts';

export interface DeviceReply {
  code: number | undefined;
  replyMessages: string[];
  state: Buffer | undefined;
  attributes: WireAttribute[];
}

export function device(port: number, opts: { bind?: string; secret?: string } = {}) {
  const client = createRadiusClient({ secret: opts.secret ?? SECRET, bindAddress4: opts.bind, sockets: 1, requireMessageAuthenticator: 'true' });
  return {
    async send(user: string | undefined, password: string | Buffer | undefined, more: { state?: Buffer } = {}): Promise<DeviceReply> {
      const attrs: (WireAttribute | RawAttribute)[] = [];
      if (user !== undefined) attrs.push(attr('User-Name', user));
      if (password !== undefined) attrs.push({ type: 2, value: Buffer.from(password) });
      if (more.state) attrs.push({ type: 24, value: more.state });
      const r = await client.request({ host: '127.0.0.1', port }, attrs, { timeoutMs: 4000, retransmitMs: 0 });
      if (!r.ok) return { code: undefined, replyMessages: [], state: undefined, attributes: [] };
      return {
        code: r.code,
        replyMessages: findValues(r.attributes, 'Reply-Message').map((b) => b.toString('utf8')),
        state: findValues(r.attributes, 'State')[0],
        attributes: r.attributes,
      };
    },
    close: () => client.close(),
  };
}

