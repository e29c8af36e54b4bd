// `npm run fuzz [-- --count N --rate R --seed S]`: at least 1,000,000 hostile datagrams (scripts/fuzz/
// hostile.ts: garbage, broken framing, wrong codes, missing or forged Message-Authenticator, wrong
// secrets, Proxy-State without Message-Authenticator, spoofed unknown sources) against a running
// `authproxy start`, with valid logins interleaved and, every so often, a challenge State presented to
// the other section (issue 15 §1). Not part of the test suite: it runs for minutes. It prints what was
// sent, answered, answered although invalid, the crashes, the proxy's memory before and after and the
// volume of its log; exit 1 if any invalid datagram was answered, a valid login answered wrongly, a
// State honoured by the wrong section, or the proxy crashed.
import { createSocket, type Socket } from 'node:dgram';
import { parseArgs } from 'node:util';
import { attr, findValues } from '../adapters/radius/attributes.ts';
import { createRadiusClient } from '../adapters/radius/client.ts';
import { HOSTILE_KINDS, hostile, rng } from './fuzz/hostile.ts';
import { SECRET, startProxyChild } from './fuzz/proxy-child.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000000' }, rate: { type: 'string', default: '20000' }, seed: { type: 'string', default: String(Date.now() % 1e9) } } });
const COUNT = Number(values.count);
const RATE = Number(values.rate);
const SEED = Number(values.seed);
const VALID_EVERY = 1000;
const CROSS_EVERY = 25_000;
const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

const proxy = await startProxyChild({ restartOnCrash: true, onCrash: (e) => process.stderr.write(`fuzz: the proxy crashed: ${e}\n`) });
const targets = [proxy.duoOnlyPort, proxy.challengePort];
const client = createRadiusClient({ secret: SECRET, sockets: 8, requireMessageAuthenticator: 'true', receiveBufferBytes: 4 * 1024 * 1024 });

// Hostile sockets: some on 127.0.0.1 (the configured client), some on other loopback addresses
// (unknown clients, as spoofed sources). Anything they receive is an answer to an invalid datagram.
let invalidAnswered = 0;
const bind = async (address: string): Promise<Socket> => {
  const s = createSocket('udp4');
  s.on('message', () => invalidAnswered++);
  s.on('error', () => undefined);
  await new Promise<void>((r) => s.bind(0, address, r));
  return s;
};
const r = rng(SEED);
const known = await Promise.all(Array.from({ length: 8 }, () => bind('127.0.0.1')));
const spoofed = await Promise.all(Array.from({ length: 48 }, (_, i) => bind(`127.${1 + (i % 200)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 250)}`)));

const valid = { sent: 0, accepted: 0, wrong: 0, lost: 0 };
const cross = { checks: 0, refused: 0, violations: 0, ownAccepted: 0 };
const pending = new Set<Promise<void>>();
const track = (p: Promise<void>) => {
  pending.add(p);
  void p.finally(() => pending.delete(p));
};
const ask = (port: number, attributes: Parameters<typeof client.request>[1]) => client.request({ host: '127.0.0.1', port }, attributes, { timeoutMs: 8000, retransmitMs: 2000 });

/** A valid login on the duo_only section: must be an Access-Accept with Message-Authenticator first. */
async function validLogin(): Promise<void> {
  valid.sent++;
  const res = await ask(proxy.duoOnlyPort, [attr('User-Name', 'fast'), { type: 2, value: Buffer.from('111111') }]);
  if (!res.ok) valid.lost++;
  else if (res.code === 2 && res.attributes[0]?.type === 80) valid.accepted++;
  else valid.wrong++;
}

/** A State of the challenge section presented to the duo_only section: "Unknown Challenge", and still
 *  good on its own section. */
async function crossSection(): Promise<void> {
  cross.checks++;
  const first = await ask(proxy.challengePort, [attr('User-Name', 'fast'), { type: 2, value: Buffer.from('primary') }]);
  const state = first.ok ? findValues(first.attributes, 'State')[0] : undefined;
  if (!state) return;
  const other = await ask(proxy.duoOnlyPort, [attr('User-Name', 'fast'), { type: 2, value: Buffer.from('111111') }, { type: 24, value: state }]);
  if (other.ok && other.code === 3 && findValues(other.attributes, 'Reply-Message').map(String).join('') === 'Unknown Challenge') cross.refused++;
  else if (other.ok) cross.violations++;
  const own = await ask(proxy.challengePort, [attr('User-Name', 'fast'), { type: 2, value: Buffer.from('111111') }, { type: 24, value: state }]);
  if (own.ok && own.code === 2) cross.ownAccepted++;
}

// Warm-up: teaches the proxy that 127.0.0.1 sends Message-Authenticator, so 'ma-missing' is refused.
for (let i = 0; i < 200; i++) await validLogin();
await new Promise((res) => setTimeout(res, 2000));
const rssBefore = await proxy.rss();
const fdsBefore = await proxy.fds();
const started = Date.now();
process.stderr.write(`fuzz: seed ${SEED}, ${COUNT} datagrams at ${RATE}/s against pid ${proxy.pid()} (RSS ${MiB(rssBefore)})\n`);

let sent = 0;
const byKind: Record<string, number> = {};
const perTick = Math.max(1, Math.round(RATE / 100));
while (sent < COUNT) {
  const tickStart = Date.now();
  for (let i = 0; i < perTick && sent < COUNT; i++, sent++) {
    const kind = HOSTILE_KINDS[Math.floor(r() * HOSTILE_KINDS.length)]!;
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    const from = kind === 'unknown-client' ? spoofed[Math.floor(r() * spoofed.length)]! : known[Math.floor(r() * known.length)]!;
    from.send(hostile(kind, r, SECRET), targets[sent & 1]!, '127.0.0.1');
    if (sent % VALID_EVERY === 0) track(validLogin());
    if (sent % CROSS_EVERY === 0) track(crossSection());
  }
  if (sent % 100_000 < perTick) process.stderr.write(`fuzz: ${sent} sent, ${invalidAnswered} invalid answered, ${valid.accepted}/${valid.sent} valid accepted, crashes ${proxy.crashes}\n`);
  const wait = 10 - (Date.now() - tickStart);
  await new Promise((res) => (wait > 0 ? setTimeout(res, wait) : setImmediate(res)));
}
const seconds = (Date.now() - started) / 1000;
while (pending.size > 0) await Promise.allSettled([...pending]);
await new Promise((res) => setTimeout(res, 2000));
const rssAfter = await proxy.rss();
const fdsAfter = await proxy.fds();
const answered = valid.accepted + valid.wrong + cross.refused + cross.violations + cross.ownAccepted;
const crashes = proxy.crashes;
const exitCode = await proxy.stop();
for (const s of [...known, ...spoofed]) s.close();
await client.close();

const report = {
  seed: SEED,
  seconds: Math.round(seconds),
  sent,
  perSecond: Math.round(sent / seconds),
  byKind,
  answered,
  invalidAnswered,
  valid,
  crossSection: cross,
  crashes,
  exitCodeOnSigterm: exitCode,
  rss: { before: rssBefore, after: rssAfter },
  fds: { before: fdsBefore, after: fdsAfter },
  log: { bytes: proxy.log.bytes, lines: proxy.log.lines, radiusDrop: proxy.log.events.get('radius_drop') ?? 0, radiusDropSummary: proxy.log.events.get('radius_drop_summary') ?? 0 },
};
console.log(
  [
    `sent             ${sent} hostile datagrams in ${report.seconds} s (${report.perSecond}/s), seed ${SEED}`,
    `answered         ${answered} (valid logins and State checks)`,
    `invalid-answered ${invalidAnswered}`,
    `valid logins     ${valid.accepted} accepted of ${valid.sent} (wrong ${valid.wrong}, unanswered ${valid.lost})`,
    `cross-section    ${cross.refused} of ${cross.checks} States refused by the other section (violations ${cross.violations}), ${cross.ownAccepted} then accepted by their own`,
    `crashes          ${crashes}; exit code on SIGTERM ${exitCode}`,
    `RSS              ${MiB(rssBefore)} before, ${MiB(rssAfter)} after; open fds ${fdsBefore} before, ${fdsAfter} after`,
    `proxy log        ${report.log.lines} lines, ${(report.log.bytes / 1024).toFixed(0)} KiB (radius_drop ${report.log.radiusDrop}, summaries ${report.log.radiusDropSummary})`,
  ].join('\n'),
);
console.log(JSON.stringify(report));
process.exitCode = invalidAnswered > 0 || valid.wrong > 0 || cross.violations > 0 || crashes > 0 || exitCode !== 0 ? 1 : 0;
