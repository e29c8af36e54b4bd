// Duo's two exchanges of a duo_only login (preauth, then auth) with no HTTP client at all: the request
// signed once into the bytes our Duo client writes, written on a plain TLS socket, the answer read to its
// Content-Length. The floor under what any HTTP client adds (duo-exchange-child.ts `raw`) and the Duo
// part of a login's I/O floor (io-floor.ts).
import tls from 'node:tls';
import { encodeParams, sign } from '../../adapters/duo/signature.ts';
import { BENCH_IKEY, BENCH_SKEY } from './mock-duo-child.ts';

export interface RawDuoRequests {
  preauth: string;
  auth: string;
}

/** A signed rest_v1 POST to the mock Duo on `port`, as our Duo client writes it. */
function signedPost(port: number, userAgent: string, path: string, params: Record<string, string>): string {
  const s = sign({ version: 1, method: 'POST', host: 'localhost', path, params, ikey: BENCH_IKEY, skey: BENCH_SKEY, digest: 'sha1' });
  const body = encodeParams(params);
  const head = Object.entries({ 'User-Agent': userAgent, ...s.headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return `POST ${path} HTTP/1.1\r\nhost: localhost:${port}\r\nconnection: keep-alive\r\n${head}content-length: ${body.length}\r\n\r\n${body}`;
}

/** alice's preauth and push auth, signed once (signing is ~1 % of a login). */
export function rawDuoRequests(port: number, userAgent: string): RawDuoRequests {
  return {
    preauth: signedPost(port, userAgent, '/rest/v1/preauth', { user: 'alice', ipaddr: '10.0.0.5', failmode: 'secure' }),
    auth: signedPost(port, userAgent, '/rest/v1/auth', { user: 'alice', factor: 'auto', auto: 'push1', ipaddr: '10.0.0.5' }),
  };
}

/** A TLS connection to the mock Duo on `port`, Nagle off, as undici opens them. */
export function connectRaw(port: number, secureContext: tls.SecureContext): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: 'localhost', port, servername: 'localhost', secureContext }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

/** Writes the request, resolves once the whole answer (headers + Content-Length bytes) is in and holds `expect`. */
export function rawExchange(s: tls.TLSSocket, request: string, expect: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString('latin1');
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: *(\d+)/i.exec(got.slice(0, end))?.[1]);
      if (got.length < end + 4 + length) return;
      s.off('data', onData);
      if (got.includes(expect)) resolve();
      else reject(new Error(`unexpected answer: ${got.slice(0, 200)}`));
    };
    s.on('data', onData);
    s.write(request);
  });
}
