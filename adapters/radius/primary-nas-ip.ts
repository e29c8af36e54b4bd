// The local address towards an upstream, for NAS-IP-Address when nas_ip is not configured. 4.0.2
// "connects" a UDP socket to 8.8.8.8:53 (reference §4.6); we connect to the upstream itself, so the
// answer is the address the upstream really sees (a VPN, a management VLAN) and no public address is
// ever involved. A UDP connect sends nothing: the kernel only picks the route and the source address.
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** The source address the kernel would use to reach host:port; undefined when there is no route. */
export function localAddressTowards(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    const done = (address: string | undefined) => {
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(address);
    };
    socket.once('error', () => done(undefined));
    try {
      socket.connect(port, host, () => {
        let address: string | undefined;
        try {
          address = socket.address().address;
        } catch {
          address = undefined;
        }
        done(address);
      });
    } catch {
      done(undefined);
    }
  });
}
