// HTTPS through an HTTP proxy ([main] http_proxy_host/port), as Duo's proxy does it: `CONNECT
// host:port` with a User-Agent; any answer but 200 fails with `Proxy Error: <status line>`
// (reference §6.2). The tunnel is opened inside the agent's createConnection, so keep-alive
// reuses tunnels exactly as it reuses direct connections.
import http from 'node:http';
import type https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

export interface ProxyTarget {
  proxyHost: string;
  proxyPort: number;
  userAgent: string;
  /** Bound on the CONNECT exchange alone; the request's own timers bound the rest. */
  connectTimeoutMs: number;
  /** false: plain HTTP inside the tunnel (tests against a plain mock). */
  tls: boolean;
}

type Callback = (err: Error | null, stream: Duplex) => void;

/** A proxy answered CONNECT with something other than 200. */
export class ProxyError extends Error {
  override name = 'ProxyError';
}

function authority(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Replaces `agent.createConnection` with one that tunnels through the proxy first. */
export function tunnelThroughProxy(agent: http.Agent, target: ProxyTarget): void {
  const connect = (options: https.RequestOptions, cb: Callback): undefined => {
    const host = options.host ?? options.hostname ?? 'localhost';
    const port = Number(options.port ?? (target.tls ? 443 : 80));
    const dest = authority(host, port);
    let done = false;
    const finish = (err: Error | null, stream?: Duplex): void => {
      if (done) return;
      done = true;
      if (err) cb(err, undefined as unknown as Duplex);
      else cb(null, stream as Duplex);
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
      finish(new ProxyError(`Proxy Error: HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd()));
    });
    req.once('connect', (res, socket, head) => {
      req.setTimeout(0);
      if (res.statusCode !== 200) {
        socket.destroy();
        finish(new ProxyError(`Proxy Error: HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd()));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      if (!target.tls) {
        finish(null, socket);
        return;
      }
      const servername = net.isIP(host) ? undefined : host;
      const secure = tls.connect({ ...(options as tls.ConnectionOptions), host, socket, servername });
      finish(null, secure);
    });
    req.end();
    return undefined;
  };
  agent.createConnection = connect as typeof agent.createConnection;
}
