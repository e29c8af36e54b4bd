import * as radiusd from './test/harness/radiusd.ts';
import { createSocket } from 'node:dgram';
const srv = await radiusd.start({ users: [{ name: 'alice', password: 'alicepw', reply: [['Reply-Message', 'Hello alice'], ['Class', 'grp']] } as any] });
const req = Buffer.from(process.argv[2]!, 'hex');
const s = createSocket('udp4');
const got = await new Promise<Buffer>((res) => { s.on('message', (m) => res(m)); s.send(req, srv.port, srv.host); });
console.log(got.toString('hex').replace(/(.{32})/g, '$1\n').trim().split('\n').map(l => l.replace(/(..)/g, '$1 ').trim()).join('\n  '));
s.close(); await srv.stop();
