// Ivanti Connect Secure (formerly Pulse Connect Secure) and Juniper SA (its ancestor): a RADIUS
// authentication server with a Custom RADIUS Rule "Access Challenge → show Generic Login page", so the
// user sees the Reply-Message of a challenge on a second page and types an answer.
// Sources:
//  - seed 000 (Duo, "RADIUS Challenge for Ivanti or Pulse Connect Secure"): Timeout 60, the Custom RADIUS
//    Rule, the second page showing Duo's numbered menu, answers 1 / push / push1, the short format
//    fallback, prompt_format if the text does not display well.
//  - seed 001 (Duo, same for Juniper Secure Access): the same settings on the SA.
//  - Ivanti PPS 9.1 admin guide "Using a RADIUS Server": Access-Challenge collects more data from the
//    user; NAS-Identifier configurable.
//  - Okta's Pulse Connect Secure RADIUS guide: Timeout 60 s, Retries 1.
// Guesses: attribute list and order, no Message-Authenticator, the displayed texts.
import type { DeviceProfile } from './types.ts';

export const ivanti: DeviceProfile = {
  name: 'ivanti',
  aliases: ['pulse', 'pulse-connect-secure', 'ivanti-connect-secure'],
  label: 'Ivanti / Pulse Connect Secure',
  sources: ['seed 000 (Duo: Ivanti challenge)', 'Ivanti PPS 9.1 "Using a RADIUS Server"', 'Okta: Pulse Connect Secure RADIUS (Timeout 60, Retries 1)'],
  guesses: ['attributes', 'messageAuthenticator', 'retransmit', 'displays'],
  sourceIp: '127.0.0.13',
  nasIp: '10.1.1.2',
  attributes: [
    ['NAS-Identifier', 'ivanti-ics'],
    ['NAS-IP-Address', '{nas_ip}'],
    ['Calling-Station-Id', '{client_ip}'],
  ],
  messageAuthenticator: false,
  retransmit: { intervalS: 30, count: 1 },
  timeoutS: 60,
  challenge: { shows: true, echoesState: true },
  passwordEncoding: 'utf-8',
  displays: {
    accept: 'Welcome page',
    reject: 'Invalid username or password. Please re-enter your user information. {reply}',
    noAnswer: 'The authentication server is not reachable.',
  },
};

export const juniperSa: DeviceProfile = {
  ...ivanti,
  name: 'juniper-sa',
  aliases: ['juniper'],
  label: 'Juniper Secure Access (SA)',
  sources: ['seed 001 (Duo: Juniper SA challenge)', 'seed 000 (same product line)'],
  guesses: ['attributes', 'messageAuthenticator', 'retransmit', 'displays'],
  sourceIp: '127.0.0.14',
  nasIp: '10.1.1.3',
  attributes: [
    ['NAS-Identifier', 'juniper-sa'],
    ['NAS-IP-Address', '{nas_ip}'],
    ['Calling-Station-Id', '{client_ip}'],
  ],
};
