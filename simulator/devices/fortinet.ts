// Fortinet FortiGate (SSL VPN / IPsec dial-up with a RADIUS user server).
// Sources:
//  - Fortinet community "Explaining global set remoteauthtimeout and user radius set timeout": the
//    per-server `timeout` (default 5 s) is the wait before asking the same server again, the global
//    `remoteauthtimeout` (default 5 s) the whole wait before giving up (or trying the secondary).
//  - FortiAuthenticator RADIUS interoperability guide "Configuring FortiToken Mobile push on
//    FortiGate": both defaults are too short for a push; raise them (e.g. 30 and 60).
//  - Fortinet dictionary (vendor 12356) for the VSAs.
// Guesses: the attribute list, no Message-Authenticator, the displayed texts.
import type { DeviceProfile } from './types.ts';

export const fortigate: DeviceProfile = {
  name: 'fortinet-fortigate',
  aliases: ['fortigate', 'fortinet'],
  label: 'Fortinet FortiGate',
  sources: ['Fortinet community ta-p/229136 (remoteauthtimeout and radius timeout, 5 s each)', 'FortiAuthenticator interoperability guide (FTM push timeouts)'],
  guesses: ['attributes', 'messageAuthenticator', 'displays'],
  sourceIp: '127.0.0.16',
  nasIp: '10.1.1.5',
  attributes: [
    ['NAS-Identifier', 'FGT60F'],
    ['NAS-IP-Address', '{nas_ip}'],
    ['Calling-Station-Id', '{client_ip}'],
    ['Fortinet-Vdom-Name', 'root'],
  ],
  messageAuthenticator: false,
  // Defaults: radius timeout 5 s within remoteauthtimeout 5 s, so no retransmission at all.
  retransmit: { intervalS: 5, count: 0 },
  timeoutS: 5,
  challenge: { shows: true, echoesState: true },
  passwordEncoding: 'utf-8',
  displays: {
    accept: 'Connected',
    reject: 'Permission denied. {reply}',
    noAnswer: 'Permission denied.',
  },
};
