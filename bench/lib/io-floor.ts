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
import { connectRaw, rawDuoRequests, rawExchange } from './raw-duo-exchange.ts';

const [portText, caFile, secret] = process.argv.slice(2) as [string, string, string];
const mockPort = Number(portText);
const secureContext = tls.createSecureContext({ ca: readFileSync(caFile, 'utf8') });

const wire = rawDuoRequests(mockPort, 'authproxy-floor');
const idle: tls.TLSSocket[] = [];

const udp = createSocket('udp4');
udp.on('message', (bytes, from) => {
  const d = decodePacket(bytes, { secret, requireMessageAuthenticator: false });
  if (!d.ok) return;
  const packet = d.packet;
  void (async () => {
    const s = idle.pop() ?? (await connectRaw(mockPort, secureContext));
    await rawExchange(s, wire.preauth, '"result":"auth"');
    await rawExchange(s, wire.auth, '"result":"allow"');
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
