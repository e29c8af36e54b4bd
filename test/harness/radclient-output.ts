// Parser for what `radclient -x` (FreeRADIUS 3.2.1) prints:
//
//   Sent Access-Request Id 148 from 0.0.0.0:33448 to 127.0.0.1:18999 length 63
//   \tUser-Name = "alice"
//   Received Access-Accept Id 148 from 127.0.0.1:18999 to 127.0.0.1:33448 length 73
//   \tMessage-Authenticator = 0x7dc2…
//   \tClass = 0x6772702d61
//   \tReply-Message = "line1\nline2"
//
// A packet that got no answer shows only its "Sent" block (radclient prints "No reply" on stderr).
import { unquoteValue } from './freeradius-quote.ts';

export type RadiusAttribute = { name: string; value: string };

export type RadclientPacket = {
  direction: 'Sent' | 'Received';
  /** e.g. 'Access-Request', 'Access-Accept', 'Access-Challenge', 'Status-Server'. */
  code: string;
  id: number;
  from: string;
  to: string;
  length: number;
  /** In wire order, values unquoted; octets as 0x… and other types exactly as printed. */
  attributes: RadiusAttribute[];
};

const HEADER = /^(Sent|Received) (\S+) Id (\d+) from (\S+) to (\S+) length (\d+)\s*$/;
// `s`: a value may hold U+2028/U+2029, which radclient prints raw and `.` would not match
const ATTRIBUTE = /^\t(\S+) = (.*)$/s;

/** Every packet block in the output, in order; lines that belong to no block are ignored. */
export function parseRadclientOutput(stdout: string): RadclientPacket[] {
  const packets: RadclientPacket[] = [];
  let current: RadclientPacket | undefined;
  for (const line of stdout.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      current = {
        direction: header[1] === 'Sent' ? 'Sent' : 'Received',
        code: header[2] ?? '',
        id: Number(header[3]),
        from: header[4] ?? '',
        to: header[5] ?? '',
        length: Number(header[6]),
        attributes: [],
      };
      packets.push(current);
      continue;
    }
    const attribute = ATTRIBUTE.exec(line);
    if (attribute && current) {
      current.attributes.push({ name: attribute[1] ?? '', value: unquoteValue(attribute[2] ?? '') });
    } else {
      current = undefined;
    }
  }
  return packets;
}
