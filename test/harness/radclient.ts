// Drives FreeRADIUS's `radclient` (3.2.1) as a RADIUS device would: one request, the reply parsed
// from `-x` output. radclient 3.2.1 has no `-b` (BlastRADIUS "require Message-Authenticator in
// replies") option, so callers check `messageAuthenticatorIndex` themselves.
import { quoteValue } from './freeradius-quote.ts';
import { runTool } from './process.ts';
import { parseRadclientOutput, type RadclientPacket, type RadiusAttribute } from './radclient-output.ts';

export type { RadclientPacket, RadiusAttribute } from './radclient-output.ts';

export const RADCLIENT = '/usr/bin/radclient';

export type RadclientCommand = 'auth' | 'status' | 'acct' | 'auto';

export type RadclientPair = readonly [name: string, value: string | number];

export interface RadclientOptions {
  /** 'host:port', e.g. `${srv.host}:${srv.port}`. */
  server: string;
  secret: string;
  /**
   * Attribute pairs, rendered as radclient input: numbers and 0x… octets bare, anything else as a
   * quoted string (escaped). Or raw radclient input text (several packets separated by blank lines).
   */
  attributes: readonly RadclientPair[] | string;
  /** Default 'auth'. */
  code?: RadclientCommand;
  /** Total tries per packet (`-r`); default 1. */
  retries?: number;
  /**
   * Seconds to wait for each try (`-t`); default 1. Use whole seconds: radclient 3.2.1 busy-waits
   * (a full core) on a fractional timeout and still takes about a second.
   */
  timeoutSec?: number;
  /** UDP source port (sent as radclient's Packet-Src-Port pseudo-attribute). */
  sourcePort?: number;
}

export type ReplyCode = 'Access-Accept' | 'Access-Reject' | 'Access-Challenge' | 'Accounting-Response';

export interface RadclientResult {
  /** The reply's code, or undefined when no reply came (after all tries). */
  code: ReplyCode | undefined;
  /** The reply's attributes in wire order (including Message-Authenticator when present). */
  attributes: RadiusAttribute[];
  /** Position of Message-Authenticator among `attributes`, -1 when the reply has none. */
  messageAuthenticatorIndex: number;
  /** The request's attributes as radclient printed them (it adds e.g. Cleartext-Password). */
  sent: RadiusAttribute[];
  /** Every packet block radclient printed (retransmissions and multi-packet input included). */
  packets: RadclientPacket[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** radclient input for one packet: `Name = value, Name = value`. */
export function renderRadclientInput(pairs: readonly RadclientPair[]): string {
  return pairs
    .map(([name, value]) => {
      if (!/^[A-Za-z][A-Za-z0-9-]*(:[0-9]+)?$/.test(name)) {
        throw new Error(`invalid attribute name: ${JSON.stringify(name)}`);
      }
      // radclient 3.2.1 reads a double-quoted value containing `%{` as an xlat template: escapes are then
      // not undone and the packets after it are not sent. Refuse it rather than send something else.
      if (typeof value === 'string' && value.includes('%{')) throw new Error(`radclient cannot send a value containing %{: ${JSON.stringify(value)}`);
      const rendered =
        typeof value === 'number' || /^0x[0-9a-fA-F]*$/.test(value) ? String(value) : quoteValue(value, '"');
      return `${name} = ${rendered}`;
    })
    .join(', ');
}

/** The `-x` command line for `opts` (secret last, as radclient expects). */
export function radclientArgs(opts: RadclientOptions): string[] {
  return [
    '-x',
    // main dictionaries only: no dependency on /etc/freeradius
    '-d',
    '/usr/share/freeradius',
    '-r',
    String(opts.retries ?? 1),
    '-t',
    String(opts.timeoutSec ?? 1),
    opts.server,
    opts.code ?? 'auth',
    opts.secret,
  ];
}

/** Sends the request(s) with radclient and parses the first reply. */
export async function radclient(opts: RadclientOptions): Promise<RadclientResult> {
  let input = typeof opts.attributes === 'string' ? opts.attributes : renderRadclientInput(opts.attributes);
  if (opts.sourcePort !== undefined) {
    // applies to the last packet when `attributes` is raw multi-packet input
    input = `${input ? `${input}, ` : ''}Packet-Src-Port = ${opts.sourcePort}`;
  }
  const { stdout, stderr, exitCode } = await runTool(RADCLIENT, radclientArgs(opts), {
    input: `${input}\n`,
    timeoutMs: budgetMs(opts),
  });
  const packets = parseRadclientOutput(stdout);
  const reply = packets.find((p) => p.direction === 'Received');
  const attributes = reply?.attributes ?? [];
  return {
    code: reply?.code as ReplyCode | undefined,
    attributes,
    messageAuthenticatorIndex: attributes.findIndex((a) => a.name === 'Message-Authenticator'),
    sent: packets.find((p) => p.direction === 'Sent')?.attributes ?? [],
    packets,
    exitCode,
    stdout,
    stderr,
  };
}

/** How radclient prints an octets attribute (Class, State) holding `text`: '0x…' lowercase hex. */
export function octets(text: string | Buffer): string {
  return `0x${Buffer.from(text).toString('hex')}`;
}

/** The values of every attribute called `name`, in order. */
export function valuesOf(attributes: readonly RadiusAttribute[], name: string): string[] {
  return attributes.filter((a) => a.name === name).map((a) => a.value);
}

/** radclient's own retry budget plus slack; a hung radclient is killed after it. */
function budgetMs(opts: RadclientOptions): number {
  return (opts.retries ?? 1) * (opts.timeoutSec ?? 1) * 1000 + 5000;
}
