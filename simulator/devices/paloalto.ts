// Palo Alto Networks GlobalProtect (PAN-OS firewall as the RADIUS client).
// Sources:
//  - PAN-OS 7.1 "Configure a RADIUS Server Profile": Timeout default 3 s (1-30), Retries default 3
//    (1-5); the authentication profile name is sent as NAS-Identifier; CHAP first unless PAP is set
//    (Duo needs PAP, so the profile is PAP).
//  - GlobalProtect 7.1 "Enable Delivery of GlobalProtect Client VSAs to a RADIUS Server": client IP, OS,
//    hostname, user domain and app version as VSAs (vendor 25461), off by default; with them on, Duo's
//    proxy reads the user's IP from PaloAlto-Client-Source-IP (`client_ip_attr=paloalto`, reference §4.1).
// Guesses: NAS-IP-Address, the VSA values, no Message-Authenticator, the displayed texts.
import type { DeviceProfile } from './types.ts';

export const paloAltoGlobalProtect: DeviceProfile = {
  name: 'paloalto-globalprotect',
  aliases: ['globalprotect', 'paloalto'],
  label: 'Palo Alto GlobalProtect',
  sources: ['PAN-OS 7.1 "Configure a RADIUS Server Profile"', 'GlobalProtect 7.1 "Enable Delivery of GlobalProtect Client VSAs"', 'reference §4.1 client_ip_attr=paloalto'],
  guesses: ['NAS-IP-Address', 'VSA values', 'messageAuthenticator', 'displays'],
  sourceIp: '127.0.0.15',
  nasIp: '10.1.1.4',
  attributes: [
    ['NAS-Identifier', 'GP-Duo-Auth-Profile'],
    ['NAS-IP-Address', '{nas_ip}'],
    ['PaloAlto-Client-Source-IP', '{client_ip}'],
    ['PaloAlto-Client-OS', 'Microsoft Windows 10 Enterprise , 64-bit'],
    ['PaloAlto-Client-Hostname', 'LAPTOP-{session}'],
    ['PaloAlto-GlobalProtect-Client-Version', '6.2.0'],
  ],
  messageAuthenticator: false,
  // Timeout 3 s, 3 retries: the firewall gives up after 3 + 3 x 3 = 12 s unless raised.
  retransmit: { intervalS: 3, count: 3 },
  timeoutS: 12,
  challenge: { shows: true, echoesState: true },
  passwordEncoding: 'utf-8',
  displays: {
    accept: 'Connected',
    reject: 'Authentication failed: Invalid username or password. {reply}',
    noAnswer: 'Authentication failed: Invalid username or password.',
  },
};
