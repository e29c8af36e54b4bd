// A generic RFC 2865 NAS, set up as Duo asks for any RADIUS device (seed 003: "timeout 60 seconds,
// retries 3", such that timeout x retries > 60 s), with Message-Authenticator (RFC 3579, BlastRADIUS).
// Sources: seed 003 (Duo, "RADIUS and Primary Authentication"); RFC 2865 §5 attribute set.
// Guesses: the displayed texts (a generic device shows what its integration decides).
import type { DeviceProfile } from './types.ts';

export const genericNas: DeviceProfile = {
  name: 'generic',
  aliases: ['generic-nas', 'radius'],
  label: 'Generic RADIUS NAS',
  sources: ['seed 003 (Duo: timeout 60 s, retries 3)', 'RFC 2865 §5', 'RFC 3579 §3.2 (Message-Authenticator)'],
  guesses: ['displays'],
  sourceIp: '127.0.0.10',
  nasIp: '10.1.1.9',
  attributes: [
    ['NAS-IP-Address', '{nas_ip}'],
    ['NAS-Port-Type', 'Virtual'],
    ['Calling-Station-Id', '{client_ip}'],
  ],
  messageAuthenticator: true,
  retransmit: { intervalS: 20, count: 3 },
  timeoutS: 80,
  challenge: { shows: true, echoesState: true },
  passwordEncoding: 'utf-8',
  displays: {
    accept: 'Access granted. {reply}',
    reject: 'Access denied. {reply}',
    noAnswer: 'No response from the RADIUS server.',
  },
};
