// The project's one RADIUS load generator (benches, tests and `authproxy simulate` load populations).
// Two models: closed (`concurrency` logins in flight until `count` are done) and open (`ratePerS`
// arrivals per second for `durationS`, however many are in flight). Each login is one or more
// Access-Requests; a request is retransmitted as the device would (`retransmit`), and the login gives
// up when the device would (`timeoutMs`). Always bounded in count AND time: it stops by itself.
import { performance } from 'node:perf_hooks';
import { attr, toRaw } from '../adapters/radius/attributes.ts';
import { createRadiusClient, type Exchange, type RadiusClient, type Upstream } from '../adapters/radius/client.ts';
import type { RawAttribute } from '../adapters/radius/codec/types.ts';
import type { MessageAuthenticatorPolicy } from '../adapters/radius/server-types.ts';
import type { WireAttribute } from '../machines/contracts.ts';

export type RequestAttributes = readonly (WireAttribute | RawAttribute)[];

export interface Reply {
  code: number;
  attributes: WireAttribute[];
}

/** Sends one Access-Request with the device's retransmissions; undefined: the device gave up. */
export type Send = (attributes: RequestAttributes) => Promise<Reply | undefined>;

/** One whole login (all its rounds); returns the final RADIUS code, or undefined when it got no answer. */
export type LoginScript = (i: number, send: Send) => Promise<number | undefined>;

export interface Retransmit {
  /** Resend the same packet after this long without an answer. */
  readonly intervalMs: number;
  /** At most this many resends per request. */
  readonly count: number;
}

export interface LoadOptions {
  readonly target: Upstream;
  readonly secret: string;
  /** Closed model: logins in flight at once (default 16 when no ratePerS). */
  readonly concurrency?: number;
  /** Closed model: how many logins in all (default 1000). Open model: an upper bound. */
  readonly count?: number;
  /** Open model: new logins per second, whatever is in flight. */
  readonly ratePerS?: number;
  /** Open model: how long arrivals go on (default 10 s). */
  readonly durationS?: number;
  /** Hard stop: no login starts after this; default 10 min. */
  readonly maxMs?: number;
  /** Attributes of login i's only request (User-Password in clear); default a PAP login of `bench`. */
  readonly attributes?: (i: number) => RequestAttributes;
  /** A login of several rounds (challenge answers); replaces `attributes`. */
  readonly login?: LoginScript;
  /** Per request, when the device gives up; default 10 s. */
  readonly timeoutMs?: number;
  /** Default none: each request is sent once. */
  readonly retransmit?: Retransmit;
  /** Source sockets (each has 256 identifiers); default enough for the concurrency. */
  readonly sockets?: number;
  /** Source address, e.g. 127.0.0.5 (the device's own address); default any. */
  readonly bindAddress?: string;
  /** Whether requests carry Message-Authenticator; default true. */
  readonly messageAuthenticator?: boolean;
  readonly requireMessageAuthenticator?: MessageAuthenticatorPolicy;
  /** Called after each login with its final code (undefined: no answer) and duration. */
  readonly onLogin?: (code: number | undefined, ms: number) => void;
}

export interface LoadReport {
  /** Logins started. */
  sent: number;
  /** Logins that got a final answer. */
  answered: number;
  /** Logins the device gave up on (no answer within its timeout). */
  lost: number;
  /** Final RADIUS codes of answered logins. */
  codes: Record<number, number>;
  /** Packets resent by the device's retransmission schedule. */
  retransmissions: number;
  seconds: number;
  /** Answered logins per second. */
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A PAP Access-Request: User-Name, User-Password (clear; hidden by the encoder), Calling-Station-Id.
 *  Raw bytes, so that the encoder has nothing to convert. */
export function pap(user: string, password: string, callingStationId = '10.0.0.5'): RawAttribute[] {
  return [toRaw(attr('User-Name', user)), { type: 2, value: Buffer.from(password) }, toRaw(attr('Calling-Station-Id', callingStationId))];
}

const DEFAULT_ATTRS = pap('bench', 'bench-pw');

export interface SenderOptions {
  readonly client: RadiusClient;
  readonly target: Upstream;
  readonly timeoutMs: number;
  readonly retransmit?: Retransmit;
  readonly messageAuthenticator?: boolean;
  readonly onRetransmit?: () => void;
}

/** A device's way of sending one request: the same packet again every `retransmit.intervalMs` (at most
 *  `count` times), and no answer after `timeoutMs`. One sweeping timer per sender does both for every
 *  request in flight (a timer per request was a measurable part of the generator's cost). */
export function createSender(o: SenderOptions): Send {
  interface Flight {
    readonly ex: Exchange;
    readonly giveUpAt: number;
    nextResendAt: number;
    resent: number;
  }
  const flights = new Set<Flight>();
  const re = o.retransmit && o.retransmit.count > 0 && o.retransmit.intervalMs > 0 ? o.retransmit : undefined;
  const tickMs = Math.max(5, Math.min(50, Math.min(o.timeoutMs, re?.intervalMs ?? Infinity) / 10));
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = () => {
    const now = performance.now();
    for (const f of flights) {
      if (now >= f.giveUpAt) f.ex.cancel();
      else if (re && f.resent < re.count && now >= f.nextResendAt) {
        f.resent++;
        f.nextResendAt += re.intervalMs;
        o.onRetransmit?.();
        f.ex.send(o.target);
      }
    }
  };
  return async (attributes) => {
    const r = o.client.open({ attributes, upstreams: [o.target], ...(o.messageAuthenticator === false ? { messageAuthenticator: false } : {}) });
    if (!r.ok) return undefined;
    const ex = r.exchange;
    ex.send(o.target);
    const now = performance.now();
    const flight: Flight = { ex, giveUpAt: now + o.timeoutMs, nextResendAt: now + (re?.intervalMs ?? 0), resent: 0 };
    flights.add(flight);
    sweeper ??= setInterval(sweep, tickMs);
    const out = await ex.reply;
    flights.delete(flight);
    if (flights.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
    return out.ok ? { code: out.code, attributes: out.attributes } : undefined;
  };
}

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const open = o.ratePerS !== undefined;
  const concurrency = o.concurrency ?? 16;
  const count = o.count ?? (open ? Number.POSITIVE_INFINITY : 1000);
  const timeoutMs = o.timeoutMs ?? 10_000;
  // Enough identifiers for what can be in flight: the concurrency, or rate x how long a login may last.
  const inFlightBound = open ? Math.ceil(o.ratePerS! * Math.max(1, timeoutMs / 1000) * 2) : concurrency;
  const client = createRadiusClient({
    secret: o.secret,
    sockets: o.sockets ?? Math.min(64, Math.max(2, Math.ceil(inFlightBound / 200))),
    requireMessageAuthenticator: o.requireMessageAuthenticator ?? 'auto',
    receiveBufferBytes: 4 * 1024 * 1024,
    ...(o.bindAddress ? { bindAddress4: o.bindAddress } : {}),
  });
  const latencies: number[] = [];
  const codes: Record<number, number> = {};
  let started = 0;
  let lost = 0;
  let retransmissions = 0;

  const send = createSender({
    client,
    target: o.target,
    timeoutMs,
    ...(o.retransmit ? { retransmit: o.retransmit } : {}),
    ...(o.messageAuthenticator === false ? { messageAuthenticator: false } : {}),
    onRetransmit: () => retransmissions++,
  });
  const record = (code: number | undefined, ms: number) => {
    if (code === undefined) lost++;
    else {
      latencies.push(ms);
      codes[code] = (codes[code] ?? 0) + 1;
    }
    o.onLogin?.(code, ms);
  };
  const script: LoginScript = o.login ?? (async (i, s) => (await s(o.attributes?.(i) ?? DEFAULT_ATTRS))?.code);
  const one = async (i: number) => {
    const s = performance.now();
    const code = await script(i, send).catch(() => undefined);
    record(code, performance.now() - s);
  };
  const t0 = performance.now();
  const stopAt = t0 + (o.maxMs ?? 600_000);
  if (open) {
    // Arrivals on a fixed schedule (login i at i / rate seconds), checked every few ms: a slow target
    // does not slow the arrivals down, it only raises what is in flight.
    const endAt = Math.min(stopAt, t0 + (o.durationS ?? 10) * 1000);
    const running: Promise<void>[] = [];
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        const due = Math.min(count, Math.floor(((Math.min(now, endAt) - t0) / 1000) * o.ratePerS!));
        while (started < due) running.push(one(started++));
        if (now >= endAt || started >= count) resolve();
        else setTimeout(tick, Math.max(1, Math.min(10, 1000 / o.ratePerS!)));
      };
      tick();
    });
    await Promise.all(running);
  } else if (o.login === undefined) {
    // One request per login: each answer starts the next request straight from its callback, with no
    // async frames in between (this path is the one raced against radperf-style sending in the bench).
    await new Promise<void>((resolve) => {
      let active = 0;
      const next = () => {
        if (started >= count || performance.now() >= stopAt) {
          if (active === 0) resolve();
          return;
        }
        const i = started++;
        active++;
        const s = performance.now();
        void send(o.attributes?.(i) ?? DEFAULT_ATTRS).then((r) => {
          active--;
          record(r?.code, performance.now() - s);
          next();
        });
      };
      for (let k = 0; k < Math.min(concurrency, count); k++) next();
    });
  } else {
    const worker = async () => {
      while (started < count && performance.now() < stopAt) await one(started++);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  }
  const seconds = (performance.now() - t0) / 1000;
  await client.close();
  latencies.sort((a, b) => a - b);
  return {
    sent: started,
    answered: latencies.length,
    lost,
    codes,
    retransmissions,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
  };
}
