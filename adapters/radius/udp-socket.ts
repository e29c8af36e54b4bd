// Binding one UDP listener: `interface` '' means every address, IPv4 and IPv6 through one dual-stack
// socket (`::` with ipv6Only false), falling back to 0.0.0.0 where IPv6 is unavailable. The receive
// buffer is asked for and then read back, because Linux silently caps it at net.core.rmem_max.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from '../log/logger.ts';

export interface BoundSocket {
  readonly socket: Socket;
  readonly address: string;
  readonly port: number;
  /** SO_RCVBUF as the kernel reports it (Linux reports twice the usable size). */
  readonly receiveBufferBytes: number;
}

export type BindResult = { ok: true; bound: BoundSocket } | { ok: false; error: string };

const FALLBACK_CODES = new Set(['EAFNOSUPPORT', 'EADDRNOTAVAIL', 'EINVAL', 'EPROTONOSUPPORT']);

function bindOnce(type: 'udp4' | 'udp6', address: string, port: number): Promise<{ ok: true; socket: Socket } | { ok: false; code: string; error: string }> {
  return new Promise((resolve) => {
    let socket: Socket;
    try {
      socket = createSocket(type === 'udp6' ? { type, ipv6Only: address !== '::' } : { type });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      resolve({ ok: false, code: e.code ?? '', error: e.message });
      return;
    }
    const onError = (err: NodeJS.ErrnoException) => {
      socket.close();
      resolve({ ok: false, code: err.code ?? '', error: err.message });
    };
    socket.once('error', onError);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', onError);
      resolve({ ok: true, socket });
    });
  });
}

export async function bindUdp(port: number, iface: string, receiveBufferBytes: number, logger: Logger): Promise<BindResult> {
  let r: Awaited<ReturnType<typeof bindOnce>>;
  if (iface === '') {
    r = await bindOnce('udp6', '::', port);
    if (!r.ok && FALLBACK_CODES.has(r.code)) {
      logger.info({ event: 'radius_ipv6_unavailable', port }, `IPv6 unavailable (${r.code}); listening on 0.0.0.0 only`);
      r = await bindOnce('udp4', '0.0.0.0', port);
    }
  } else {
    r = await bindOnce(isIPv6(iface) ? 'udp6' : 'udp4', iface, port);
  }
  if (!r.ok) return { ok: false, error: `cannot listen on ${iface || '*'}:${port}: ${r.error}` };
  const socket = r.socket;
  try {
    socket.setRecvBufferSize(receiveBufferBytes);
  } catch (err) {
    logger.warn({ event: 'radius_rcvbuf_error', err: (err as Error).message }, 'could not set the UDP receive buffer size');
  }
  const actual = socket.getRecvBufferSize();
  // Linux caps the request at rmem_max, then reports twice what it granted (bookkeeping overhead):
  // compare and report the granted size, so the message never reads "8 MiB, less than 8 MiB".
  const granted = process.platform === 'linux' ? actual / 2 : actual;
  if (granted < receiveBufferBytes)
    logger.warn(
      { event: 'radius_rcvbuf_capped', requested: receiveBufferBytes, granted },
      `UDP receive buffer is ${granted} bytes, less than the ${receiveBufferBytes} asked for: the kernel caps it at net.core.rmem_max. ` +
        `Under bursts packets may be lost; raise it with \`sysctl -w net.core.rmem_max=${receiveBufferBytes}\` (and in /etc/sysctl.d/ to keep it).`,
    );
  const a = socket.address();
  return { ok: true, bound: { socket, address: a.address, port: a.port, receiveBufferBytes: granted } };
}
