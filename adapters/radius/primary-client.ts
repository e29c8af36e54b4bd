// radius_client primary authentication (reference §4.6, §12, facts 43-44, §19.9, §19.12): one upstream
// Access-Request per login, sent `retries + 1` times `retry_wait` apart, each send to the next host in
// turn (h1, h2, h1, ... like 4.0.2's address cycling), and at `(retries + 1) * retry_wait` the timeout
// result. A reply is taken from any configured host; the RADIUS client (client.ts) checks source,
// identifier, Response Authenticator and Message-Authenticator (require_message_authenticator
// true|false|auto) and drops, counts and logs everything else, so a forged or wrongly signed answer
// changes nothing and the schedule runs on.
//
// One instance per radius_client section. The pass-through settings of the SERVER section (which request
// attributes go upstream, which attribute is the client IP) are looked up per call from
// `PrimaryAuthRequest.server`, so several server sections can share one client and its sockets.
import { isIP } from 'node:net';
import type { RadiusClientSection } from '../../config/types.ts';
import type { PrimaryAuth, PrimaryAuthRequest, PrimaryAuthResult } from '../../machines/contracts.ts';
import { type Logger, silentLogger } from '../log/logger.ts';
import { createRadiusClient, type Exchange, type OpenResult, type RadiusClientStats, type Upstream } from './client.ts';
import type { RawAttribute } from './codec/types.ts';
import { localAddressTowards } from './primary-nas-ip.ts';
import { buildUpstreamRequest, nasAddressAttribute, NO_PASS_THROUGH, type ServerPassThrough } from './primary-request.ts';
import { dropResult, errorResult, PrimaryRadiusMessages as M, resultFromReply } from './primary-result.ts';

export { NO_PASS_THROUGH, type ServerPassThrough } from './primary-request.ts';

/** The radius_client options this module reads. */
export type RadiusPrimarySection = Pick<
  RadiusClientSection,
  'hosts' | 'secret' | 'retries' | 'retryWait' | 'nasIp' | 'passThroughAttrNames' | 'passThroughAll' | 'pwCodec' | 'requireMessageAuthenticator'
> & { readonly name?: string };

/** Timers, injectable so tests can run the 8 s schedule in virtual time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The server section's settings: one for every call, or looked up by server section name. */
export type ServerSettings = ServerPassThrough | ((serverName: string) => ServerPassThrough | undefined);

export interface RadiusPrimaryOptions {
  readonly logger?: Logger;
  readonly timers?: Timers;
  /** Source sockets; each has its own 256 identifiers. Default 4. */
  readonly sockets?: number;
  /** Logins that may wait for a free identifier; beyond that a login is dropped (4.0.2: 256). */
  readonly maxWaiting?: number;
  /** How the local address towards the first host is found when nas_ip is not set. */
  readonly localAddress?: (host: string, port: number) => Promise<string | undefined>;
}

export interface RadiusPrimaryStats {
  logins: number;
  accepted: number;
  rejected: number;
  /** Answers that are neither Accept nor Reject (an Access-Challenge to PAP): nothing goes to the NAS. */
  notAcceptOrReject: number;
  timeouts: number;
  /** Requests that could not be built or sent, and cancellations. */
  errors: number;
  /** Sends, replies and dropped packets by reason (bad-authenticator, ma-missing, unknown-source...). */
  client: RadiusClientStats;
}

export interface RadiusPrimary extends PrimaryAuth {
  stats(): RadiusPrimaryStats;
  /** Ends every login in flight with the shutting-down result and closes the sockets. */
  close(): Promise<void>;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Refuses a section the client cannot serve; check-config should have said so already. */
function validate(section: RadiusPrimarySection): string {
  const label = `[${section.name ?? 'radius_client'}]`;
  if (section.hosts.length === 0) throw new TypeError(`${label} no host configured`);
  const families = new Set(section.hosts.map((h) => isIP(h.host)));
  if (families.has(0)) throw new TypeError(`${label} hosts must be IP addresses (replies are matched by source address)`);
  if (families.size > 1) throw new TypeError(`${label} hosts must all be IPv4 or all IPv6`);
  if (section.nasIp !== undefined && nasAddressAttribute(section.nasIp) === undefined)
    throw new TypeError(`${label} nas_ip is not an IP address`);
  return label;
}

export function createRadiusPrimary(section: RadiusPrimarySection, servers: ServerSettings, opts: RadiusPrimaryOptions = {}): RadiusPrimary {
  const label = validate(section);
  const logger = opts.logger ?? silentLogger();
  const timers = opts.timers ?? realTimers;
  const maxWaiting = opts.maxWaiting ?? 256;
  const hosts: Upstream[] = section.hosts.map((h) => ({ host: h.host, port: h.port }));
  const waitMs = Math.max(0, section.retryWait * 1000);
  const sends = Math.max(1, Math.floor(section.retries) + 1);
  const client = createRadiusClient({
    secret: section.secret,
    requireMessageAuthenticator: section.requireMessageAuthenticator,
    sockets: opts.sockets ?? 4,
    logger,
  });
  const st = { logins: 0, accepted: 0, rejected: 0, notAcceptOrReject: 0, timeouts: 0, errors: 0 };
  const waiters: (() => void)[] = [];
  let closed = false;

  const serverFor = (name: string): ServerPassThrough => {
    const s = (typeof servers === 'function' ? servers(name) : servers) ?? NO_PASS_THROUGH;
    return { passThroughAttrNames: s.passThroughAttrNames ?? [], passThroughAll: s.passThroughAll === true, clientIpAttr: s.clientIpAttr };
  };

  // The local address towards host 1, found once (and again after a failure: a route may appear).
  let nasLookup: Promise<string | undefined> | undefined;
  function nasIp(): Promise<string | undefined> {
    if (section.nasIp !== undefined) return Promise.resolve(section.nasIp);
    const first = hosts[0]!;
    nasLookup ??= (opts.localAddress ?? localAddressTowards)(first.host, first.port).then((ip) => {
      if (ip === undefined) {
        nasLookup = undefined;
        logger.warn({ event: 'radius_primary_no_local_address', client: label, host: first.host }, 'No route to the RADIUS server: NAS-IP-Address left out');
      }
      return ip;
    });
    return nasLookup;
  }

  /** Opens an exchange, waiting (FIFO) for a free identifier when every socket has 256 in flight. */
  async function open(attributes: RawAttribute[], signal: AbortSignal | undefined): Promise<OpenResult | 'aborted'> {
    for (let woken = false; ; woken = true) {
      const r = client.open({ attributes, upstreams: hosts });
      if (r.ok || r.error !== 'too-many-requests' || waiters.length >= maxWaiting) return r;
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = waiters.indexOf(wake);
          if (i >= 0) waiters.splice(i, 1);
          resolve();
        };
        // One that was woken but lost the identifier to a newcomer keeps its place at the front.
        if (woken) waiters.unshift(wake);
        else waiters.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (signal?.aborted) return 'aborted';
      if (closed) return { ok: false, error: 'closed' };
    }
  }

  /** Sends at 0, w, 2w ... (`sends` times, cycling hosts); cancels at sends * w. Returns the stopper. */
  function schedule(ex: Exchange, onTimeout: () => void): () => void {
    let handle: unknown;
    const step = (k: number) => {
      if (k < sends) {
        ex.send(hosts[k % hosts.length]!);
        handle = timers.setTimeout(() => step(k + 1), waitMs);
      } else onTimeout();
    };
    step(0);
    return () => timers.clearTimeout(handle);
  }

  async function authenticate(req: PrimaryAuthRequest, signal?: AbortSignal): Promise<PrimaryAuthResult> {
    st.logins++;
    if (signal?.aborted) return error(M.cancelled);
    const nas = await nasIp();
    const built = buildUpstreamRequest({
      username: req.username,
      password: req.password,
      requestAttributes: req.requestAttributes,
      nasIp: nas,
      pwCodec: section.pwCodec,
      server: serverFor(req.server),
    });
    if (!built.ok) return error(M.cannotBuild(built.error));
    const opened = await open(built.attributes, signal);
    if (opened === 'aborted') return error(M.cancelled);
    if (!opened.ok) {
      if (opened.error === 'too-many-requests') {
        st.errors++;
        logger.warn({ event: 'radius_primary_overload', client: label, user: req.username }, M.tooManyRequests);
        return dropResult(M.tooManyRequests);
      }
      return error(opened.error === 'closed' ? M.shuttingDown : M.cannotBuild(opened.error));
    }
    const ex = opened.exchange;
    const first = hosts[0]!;
    logger.info(
      { event: 'radius_primary_send', client: label, server: req.server, user: req.username, host: first.host, port: first.port, id: ex.identifier },
      `Sending request for user '${req.username}' to ('${first.host}', ${first.port}) with id ${ex.identifier}`,
    );
    let timedOut = false;
    const onAbort = () => ex.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const stop = schedule(ex, () => {
      timedOut = true;
      ex.cancel();
    });
    try {
      const out = await ex.reply;
      if (!out.ok) {
        if (timedOut) {
          st.timeouts++;
          logger.info(
            { event: 'radius_primary_timeout', client: label, user: req.username, id: ex.identifier },
            `Request timeout for (outgoing) id ${ex.identifier} to ('${first.host}', ${first.port})`,
          );
          return { ok: false, message: M.timedOut, attributes: [] };
        }
        return error(out.error === 'closed' ? M.shuttingDown : M.cancelled);
      }
      logger.info(
        { event: 'radius_primary_reply', client: label, user: req.username, id: out.identifier, host: out.from.host, port: out.from.port, code: out.code },
        `Got response for id ${out.identifier} from ('${out.from.host}', ${out.from.port}); code ${out.code}`,
      );
      const result = resultFromReply(out.code, out.attributes, section);
      if (result.ok) st.accepted++;
      else if ('drop' in result) {
        st.notAcceptOrReject++;
        logger.warn({ event: 'radius_primary_not_accept_or_reject', client: label, user: req.username, code: out.code }, result.message);
      } else st.rejected++;
      return result;
    } finally {
      stop();
      signal?.removeEventListener('abort', onAbort);
      waiters.shift()?.();
    }
  }

  function error(message: string): PrimaryAuthResult {
    st.errors++;
    return errorResult(message);
  }

  return {
    async authenticate(req, signal) {
      try {
        return await authenticate(req, signal);
      } catch (err) {
        // Never throws (contracts.ts); a bug here must still end the login with an answer.
        logger.error({ event: 'radius_primary_bug', client: label, err: err instanceof Error ? err.message : String(err) }, M.unexpected);
        return error(M.unexpected);
      }
    },
    stats: () => ({ ...st, client: client.stats() }),
    async close() {
      closed = true;
      for (const wake of waiters.splice(0)) wake();
      await client.close();
    },
  };
}
