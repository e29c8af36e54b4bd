// The radius_client connectivity check (reference §16.4): to each host, a Status-Server (RFC 5997) with
// Message-Authenticator and NAS-IP-Address, one send, 2 s to answer. Any valid answer (signed with the
// secret, from that host) counts: FreeRADIUS answers Access-Accept. Duo's texts, exactly.
import type { Logger } from '../log/logger.ts';
import { createRadiusClient } from './client.ts';
import { localAddressTowards } from './primary-nas-ip.ts';
import type { RadiusPrimarySection } from './primary-client.ts';
import { nasAddressAttribute } from './primary-request.ts';

export interface RadiusHostCheck {
  host: string;
  port: number;
  ok: boolean;
  message: string;
}

export const connectedMessage = (host: string, port: number) =>
  `The Auth Proxy was able to establish a RADIUS connection to ${host}:${port}.`;

export const notConfirmedMessage = (host: string, port: number) =>
  `We cannot confirm that the Auth Proxy was able to establish a RADIUS connection to ${host}:${port}. In the case of an actual failure this may be due to a misconfigured secret or network issues. This may also happen if the upstream RADIUS Server does not support the Status-Server message`;

export async function checkRadiusClientConnectivity(
  section: Pick<RadiusPrimarySection, 'hosts' | 'secret' | 'nasIp' | 'requireMessageAuthenticator'>,
  opts: { timeoutMs?: number; logger?: Logger } = {},
): Promise<RadiusHostCheck[]> {
  const client = createRadiusClient({
    secret: section.secret,
    requireMessageAuthenticator: section.requireMessageAuthenticator,
    sockets: 1,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  try {
    return await Promise.all(
      section.hosts.map(async ({ host, port }) => {
        const ip = section.nasIp ?? (await localAddressTowards(host, port));
        const nas = ip === undefined ? undefined : nasAddressAttribute(ip);
        const r = await client.request({ host, port }, nas ? [nas] : [], {
          code: 12,
          timeoutMs: opts.timeoutMs ?? 2000,
          retransmitMs: 0,
        });
        return r.ok
          ? { host, port, ok: true, message: connectedMessage(host, port) }
          : { host, port, ok: false, message: notConfirmedMessage(host, port) };
      }),
    );
  } finally {
    await client.close();
  }
}
