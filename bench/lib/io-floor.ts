// The I/O floor of a duo_only login on this machine: a process that does, per RADIUS request, only what
// no proxy can skip — receive the datagram, decode it and verify its Message-Authenticator, make the two
// HTTPS exchanges with Duo (preauth, then auth: pre-signed bytes written on kept-alive TLS sockets, the
// answer read to its Content-Length, no HTTP client, no JSON), then encode and send the Access-Accept
// (Message-Authenticator and Response Authenticator). No actor, no bus, no logs, no timers. The
// login-cpu bench runs it beside the proxies under the same load: CPU per login above this floor is the
// part that depends on how the proxy is written.
//
//   node --import tsx bench/lib/io-floor.ts MOCK_PORT CA_FILE SECRET   (prints {"event":"ready","port":N})
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { decodePacket } from '../../adapters/radius/codec/decode.ts';
import { encodeReply } from '../../adapters/radius/codec/encode.ts';
import { encodeParams, sign } from '../../adapters/duo/signature.ts';
import { BENCH_IKEY, BENCH_SKEY } from './mock-duo-child.ts';

const [portText, caFile, secret] = process.argv.slice(2) as [string, string, string];
const mockPort = Number(portText);
const secureContext = tls.createSecureContext({ ca: readFileSync(caFile, 'utf8') });

/** A signed rest_v1 POST, as our Duo client writes it (signed once: signing is ~1 % of a login). */
function wire(path: string, params: Record<string, string>): string {
  const s = sign({ version: 1, method: 'POST', host: 'localhost', path, params, ikey: BENCH_IKEY, skey: BENCH_SKEY, digest: 'sha1' });
  const body = encodeParams(params);
  const head = Object.entries({ 'User-Agent': 'authproxy-floor', ...s.headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return `POST ${path} HTTP/1.1\r\nhost: localhost:${mockPort}\r\nconnection: keep-alive\r\n${head}content-length: ${body.length}\r\n\r\n${body}`;
}
const PREAUTH = wire('/rest/v1/preauth', { user: 'alice', ipaddr: '10.0.0.5', failmode: 'secure' });
const AUTH = wire('/rest/v1/auth', { user: 'alice', factor: 'auto', auto: 'push1', ipaddr: '10.0.0.5' });

const idle: tls.TLSSocket[] = [];
function connection(): Promise<tls.TLSSocket> {
  const kept = idle.pop();
  if (kept) return Promise.resolve(kept);
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: 'localhost', port: mockPort, servername: 'localhost', secureContext }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

/** Writes the request, resolves once the whole answer (headers + Content-Length bytes) is in. */
function exchange(s: tls.TLSSocket, request: string, expect: string): Promise<void> {
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

const udp = createSocket('udp4');
udp.on('message', (bytes, from) => {
  const d = decodePacket(bytes, { secret, requireMessageAuthenticator: false });
  if (!d.ok) return;
  const packet = d.packet;
  void (async () => {
    const s = await connection();
    await exchange(s, PREAUTH, '"result":"auth"');
    await exchange(s, AUTH, '"result":"allow"');
    idle.push(s);
    const reply = encodeReply(packet, 2, [], secret);
    if (reply.ok) udp.send(reply.bytes, from.port, from.address);
  })().catch((err: unknown) => process.stderr.write(`io-floor: ${(err as Error).message}\n`));
});
udp.bind(0, '127.0.0.1', () => console.log(JSON.stringify({ event: 'ready', port: udp.address().port })));
process.on('SIGTERM', () => {
  for (const s of idle) s.destroy();
  udp.close(() => process.exit(0));
});
