// A RADIUS listener with a trivial handler (Access-Accept at once), in its own process: the baseline
// that shows what the login engine and Duo calls cost on top of the transport.
import { parseNetwork } from '../../adapters/radius/networks.ts';
import { createRadiusServer } from '../../adapters/radius/server.ts';

const secret = process.argv[2] ?? 'bench-secret';
const net = parseNetwork('127.0.0.1');
const server = createRadiusServer({
  sections: [{ name: 'bare', port: 0, interface: '127.0.0.1', clients: [{ cidrs: net.ok ? net.cidrs : [], secret }] }],
  handle: () => ({ kind: 'reply', code: 2, replyMessage: 'ok', attributes: [] }),
});
const bound = await server.listen();
if (!bound.ok) throw new Error(bound.error);
console.log(JSON.stringify({ event: 'ready', port: bound.listeners[0]!.port }));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
