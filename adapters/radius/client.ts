// RADIUS client on the same codec: Access-Request (or Status-Server) with Message-Authenticator first
// and User-Password hidden; a reply is accepted only from an expected upstream (ip, port), for an
// outstanding identifier on that socket, with a valid Response Authenticator and, per policy, a valid
// Message-Authenticator. Several source sockets give more than 256 identifiers to one upstream.
// Retransmission and failover are driven by the caller through `open()` + `Exchange.send()`;
// `request()` is the simple single-upstream schedule.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { WireAttribute } from '../../machines/contracts.ts';
import { silentLogger } from '../log/logger.ts';
import { toRaw, toWire } from './attributes.ts';
import type {
  ClientDrop,
  Exchange,
  ExchangeRequest,
  OpenResult,
  RadiusClient,
  RadiusClientOptions,
  RadiusClientStats,
  ReplyOutcome,
} from './client-types.ts';
import { checkReply, decodePacket } from './codec/decode.ts';
import { encodeRequest } from './codec/encode.ts';
import type { RawAttribute } from './codec/types.ts';
import { createDropLog } from './drop-log.ts';
import { IdPool } from './id-pool.ts';

export * from './client-types.ts';

interface Pending {
  readonly authenticator: Buffer;
  /** host|port of the upstream(s) a reply may come from: one string in the common single-upstream case. */
  readonly accept: ReadonlySet<string> | string;
  readonly settle: (o: ReplyOutcome) => void;
}

interface Source {
  readonly socket: Socket;
  readonly ids: IdPool;
  readonly pending: Map<number, Pending>;
}

const unmap = (ip: string) => (ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip);
const key = (host: string, port: number) => `${unmap(host)}|${port}`;

export function createRadiusClient(opts: RadiusClientOptions): RadiusClient {
  const logger = opts.logger ?? silentLogger();
  const dropLog = createDropLog(logger, 60_000);
  const policy = opts.requireMessageAuthenticator ?? 'auto';
  const learned = new Set<string>();
  const perFamily = Math.max(1, opts.sockets ?? 4);
  const families = new Map<'udp4' | 'udp6', Source[]>();
  const st: RadiusClientStats = { requests: 0, sends: 0, replies: 0, dropped: {}, inFlight: 0 };
  let closed = false;
  let rr = 0;
  const nasRaw = (opts.nasAttributes ?? []).map(toRaw);

  function drop(reason: ClientDrop, rinfo: RemoteInfo, text: string): undefined {
    st.dropped[reason] = (st.dropped[reason] ?? 0) + 1;
    dropLog.drop(reason, unmap(rinfo.address), rinfo.port, `dropping packet from ${unmap(rinfo.address)}:${rinfo.port} - ${text}`);
    return undefined;
  }

  function onReply(src: Source, msg: Buffer, rinfo: RemoteInfo): undefined {
    const framed = decodePacket(msg);
    if (!framed.ok) return drop(framed.reason, rinfo, framed.reason);
    const p = src.pending.get(framed.packet.id);
    if (p === undefined) return drop('no-pending-request', rinfo, `no request outstanding with id ${framed.packet.id}`);
    const from = key(rinfo.address, rinfo.port);
    if (typeof p.accept === 'string' ? p.accept !== from : !p.accept.has(from)) return drop('unknown-source', rinfo, 'reply from an unexpected address');
    const require = policy === 'true' || (policy === 'auto' && learned.has(from));
    const v = checkReply(framed.packet, { secret: opts.secret, requireMessageAuthenticator: require, requestAuthenticator: p.authenticator });
    if (!v.ok) return drop(v.reason, rinfo, v.reason);
    if (policy === 'auto' && framed.packet.maValueOffset >= 0) learned.add(from);
    st.replies++;
    // Attributes are turned into WireAttributes (base64) only when read: a load generator counting
    // answers never reads them, and the conversion was a good part of its cost per reply.
    const raw = framed.packet.attributes;
    let wire: WireAttribute[] | undefined;
    p.settle({
      ok: true,
      code: framed.packet.code,
      get attributes() {
        return (wire ??= raw.map(toWire));
      },
      from: { host: unmap(rinfo.address), port: rinfo.port },
      identifier: framed.packet.id,
    });
    return undefined;
  }

  function sources(family: 'udp4' | 'udp6'): Source[] {
    let list = families.get(family);
    if (list !== undefined) return list;
    list = [];
    for (let i = 0; i < perFamily; i++) {
      const socket = createSocket({ type: family });
      const src: Source = { socket, ids: new IdPool(), pending: new Map() };
      socket.on('message', (msg, rinfo) => onReply(src, msg, rinfo));
      socket.on('error', (err) => logger.warn({ event: 'radius_client_socket_error', err: err.message }, 'RADIUS client socket error'));
      const addr = family === 'udp4' ? opts.bindAddress4 : opts.bindAddress6;
      socket.bind({ port: 0, ...(addr ? { address: addr } : {}) }, () => {
        try {
          socket.setRecvBufferSize(opts.receiveBufferBytes ?? 1024 * 1024);
        } catch {
          // keep the default: only matters under bursts
        }
      });
      socket.unref();
      list.push(src);
    }
    families.set(family, list);
    return list;
  }

  function open(req: ExchangeRequest): OpenResult {
    if (closed) return { ok: false, error: 'closed' };
    const first = req.upstreams[0];
    if (first === undefined) return { ok: false, error: 'bad-upstream' };
    const list = sources(isIPv6(first.host) ? 'udp6' : 'udp4');
    // Round robin over the sockets that still have a free identifier.
    let src: Source | undefined;
    for (let i = 0; i < list.length && src === undefined; i++) {
      const s = list[(rr + i) % list.length]!;
      if (s.ids.available > 0) src = s;
    }
    rr++;
    if (src === undefined) return { ok: false, error: 'too-many-requests' };
    const id = src.ids.take()!;
    const given = req.attributes.map((a) => (typeof a.value === 'string' ? toRaw(a as WireAttribute) : (a as RawAttribute)));
    const nas = nasRaw.filter((n) => !given.some((g) => g.type === n.type));
    const enc = encodeRequest({ code: req.code ?? 1, id, secret: opts.secret, attributes: nas.length === 0 ? given : [...nas, ...given], ...(req.messageAuthenticator === false ? { messageAuthenticator: false } : {}) });
    if (!enc.ok) {
      src.ids.give(id);
      return { ok: false, error: enc.error };
    }
    const owner = src;
    st.requests++;
    st.inFlight++;
    let done = false;
    let settle!: (o: ReplyOutcome) => void;
    const reply = new Promise<ReplyOutcome>((resolve) => {
      settle = (o) => {
        if (done) return;
        done = true;
        owner.pending.delete(id);
        owner.ids.give(id);
        st.inFlight--;
        resolve(o);
      };
    });
    owner.pending.set(id, { authenticator: enc.authenticator, accept: req.upstreams.length === 1 ? key(first.host, first.port) : new Set(req.upstreams.map((u) => key(u.host, u.port))), settle });
    const exchange: Exchange = {
      identifier: id,
      reply,
      send(to) {
        if (done) return;
        st.sends++;
        owner.socket.send(enc.bytes, to.port, to.host);
      },
      cancel: () => settle({ ok: false, error: 'cancelled' }),
    };
    return { ok: true, exchange };
  }

  return {
    open,
    async request(to, attributes, ropts = {}) {
      const r = open({ attributes, upstreams: [to], ...(ropts.code ? { code: ropts.code } : {}), ...(ropts.messageAuthenticator === false ? { messageAuthenticator: false } : {}) });
      if (!r.ok) return r.error === 'closed' ? { ok: false, error: 'closed' } : { ok: false, error: 'not-sent', reason: r.error };
      const ex = r.exchange;
      const retransmitMs = ropts.retransmitMs ?? 2000;
      ex.send(to);
      const resend = retransmitMs > 0 ? setInterval(() => ex.send(to), retransmitMs) : undefined;
      const timeout = setTimeout(() => ex.cancel(), ropts.timeoutMs ?? 8000);
      const out = await ex.reply;
      clearInterval(resend);
      clearTimeout(timeout);
      return out.ok || out.error !== 'cancelled' ? out : { ok: false, error: 'timeout' };
    },
    stats: () => structuredClone(st),
    async close() {
      closed = true;
      dropLog.close();
      for (const list of families.values())
        for (const s of list) {
          for (const p of [...s.pending.values()]) p.settle({ ok: false, error: 'closed' });
          s.socket.close();
        }
      families.clear();
    },
  };
}
