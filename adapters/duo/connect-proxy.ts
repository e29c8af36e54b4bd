// HTTPS through an HTTP proxy ([main] http_proxy_host/port), as Duo's proxy does it: `CONNECT
// host:port` with a User-Agent; any answer but 200 fails with `Proxy Error: <status line>`
// (reference §6.2). The tunnel is opened by the pool's connector, so keep-alive reuses tunnels
// exactly as it reuses direct connections. Not undici's ProxyAgent: its refusal names the status
// code only, not the status line Duo's proxy logs, and it sends headers Duo's proxy does not.
import http from 'node:http';
import net from 'node:net';
import type { buildConnector } from 'undici';

export interface ProxyTarget {
  proxyHost: string;
  proxyPort: number;
  /** The Duo api host and port the tunnel leads to. */
  host: string;
  port: number;
  userAgent: string;
  /** Bound on the CONNECT exchange alone; the TLS handshake through the tunnel has its own. */
  connectTimeoutMs: number;
  /** false: plain HTTP inside the tunnel (tests against a plain mock). */
  tls: boolean;
}

/** A proxy answered CONNECT with something other than 200. */
export class ProxyError extends Error {
  override name = 'ProxyError';
}

function authority(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

function refusal(res: http.IncomingMessage): ProxyError {
  return new ProxyError(`Proxy Error: HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd());
}

/** Opens `CONNECT host:port` on a connection of its own; the callback gets the tunnel's socket. */
function openTunnel(target: ProxyTarget, cb: (err: Error | null, socket?: net.Socket) => void): void {
  const dest = authority(target.host, target.port);
  let done = false;
  const finish = (err: Error | null, socket?: net.Socket): void => {
    if (done) return;
    done = true;
    cb(err, socket);
  };
  const req = http.request({
    host: target.proxyHost,
    port: target.proxyPort,
    method: 'CONNECT',
    path: dest,
    headers: { Host: dest, 'User-Agent': target.userAgent },
    agent: false,
  });
  req.setTimeout(target.connectTimeoutMs, () => req.destroy(new Error(`proxy CONNECT to ${dest} timed out`)));
  req.once('error', (err) => finish(err));
  req.once('response', (res) => {
    // Node hands a non-2xx CONNECT answer to 'response' on some versions.
    res.resume();
    req.destroy();
    finish(refusal(res));
  });
  req.once('connect', (res, socket, head) => {
    req.setTimeout(0);
    if (res.statusCode !== 200) {
      socket.destroy();
      finish(refusal(res));
      return;
    }
    if (head.length > 0) socket.unshift(head);
    socket.setNoDelay(true);
    finish(null, socket);
  });
  req.end();
}

/**
 * The pool's connector through the proxy: CONNECT, then `direct` (undici's own connector, with the
 * secure context and its connect timeout) runs TLS over the tunnel, checking the api host's name.
 */
export function proxyConnector(target: ProxyTarget, direct: buildConnector.connector): buildConnector.connector {
  return (options, callback) => {
    openTunnel(target, (err, socket) => {
      if (err || !socket) callback(err ?? new Error('proxy CONNECT failed'), null);
      else if (!target.tls) callback(null, socket);
      else direct({ ...options, httpSocket: socket }, callback);
    });
  };
}
