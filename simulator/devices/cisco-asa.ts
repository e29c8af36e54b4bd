// Cisco ASA: AnyConnect (full tunnel client) and clientless WebVPN (browser), both PAP to a RADIUS
// server group (Duo's proxy as primary or secondary authentication).
// Sources:
//  - seed 004 (Duo, "RADIUS 2FA with Password Reset for Cisco ASA"): server group Timeout 60 s, Retry
//    Interval 10 s, "Second Password" field; AnyConnect disconnects after ~12 s unless its profile's
//    Authentication Timeout is raised (60 s recommended).
//  - seed 002 (blog, "DUO MFA with Radius-Challenge and Cisco Anyconnect"): AnyConnect shows "Invalid
//    authentication handle" right around 12 s after username/password; the Answer field takes the
//    challenge reply; webvpn shows the challenge too.
//  - Cisco ASA 9.x ASDM guide "RADIUS Servers for AAA": PAP for all connection types; Retry Interval
//    default 10 s (1-10 s); max-failed-attempts default 3 (requests to one server before the next).
// Guesses: the exact attribute list and order (no public capture: NAS-Port-Type Virtual and
// Tunnel-Client-Endpoint are what ASA accounting documents name), the displayed texts, the 12 s
// client timeout applying per login round, no Message-Authenticator (true of ASA before its
// BlastRADIUS fixes), the display length of a challenge.
import type { DeviceProfile } from './types.ts';

const common = {
  nasIp: '10.1.1.1',
  attributes: [
    ['NAS-Port', 1],
    ['NAS-Port-Type', 'Virtual'],
    ['Calling-Station-Id', '{client_ip}'],
    ['Called-Station-Id', '{nas_ip}'],
    ['NAS-IP-Address', '{nas_ip}'],
    ['Tunnel-Client-Endpoint', '{client_ip}'],
    ['Cisco-AVPair', 'audit-session-id={session}'],
    ['Cisco-AVPair', 'ip:source-ip={client_ip}'],
  ],
  messageAuthenticator: false,
  // Duo's recommended server group (seed 004): Retry Interval 10 s within Timeout 60 s.
  retransmit: { intervalS: 10, count: 5 },
  timeoutS: 60,
  passwordEncoding: 'utf-8',
} as const;

export const ciscoAsaAnyConnect: DeviceProfile = {
  ...common,
  name: 'cisco-asa-anyconnect',
  aliases: ['cisco-asa', 'anyconnect'],
  label: 'Cisco ASA with AnyConnect',
  sources: ['seed 004 (Duo: ASA timeouts, AnyConnect 12 s)', 'seed 002 (AnyConnect "Invalid authentication handle" at ~12 s)', 'Cisco ASA ASDM 9.x "RADIUS Servers for AAA"'],
  guesses: ['attributes', 'messageAuthenticator', 'challenge.displayBytes', 'displays (except late)'],
  sourceIp: '127.0.0.11',
  // AnyConnect profile Authentication Timeout default: ~12 s (seeds 002 and 004).
  clientTimeoutS: 12,
  challenge: { shows: true, displayBytes: 253, echoesState: true },
  displays: {
    accept: 'Connected',
    reject: 'Login failed. {reply}',
    noAnswer: 'Login failed.',
    late: 'Invalid authentication handle',
  },
};

export const ciscoAsaClientless: DeviceProfile = {
  ...common,
  name: 'cisco-asa-clientless',
  aliases: ['cisco-webvpn'],
  label: 'Cisco ASA clientless SSL VPN (browser)',
  sources: ['seed 004 (Duo: ASA server group timeouts; browser logins)', 'seed 002 (the WebVPN challenge page)', 'Cisco ASA ASDM 9.x "RADIUS Servers for AAA"'],
  guesses: ['attributes', 'messageAuthenticator', 'challenge.displayBytes', 'displays'],
  sourceIp: '127.0.0.12',
  challenge: { shows: true, echoesState: true },
  displays: {
    accept: 'Portal page',
    reject: 'Login failed. {reply}',
    noAnswer: 'Login failed.',
  },
};
