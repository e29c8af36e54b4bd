// The RADIUS UDP server: sockets, client lookup, the checks of reference §5.1 in order, the duplicate
// cache, and encoding of the handler's answer (Message-Authenticator first, Proxy-State echoed). The
// login decisions live elsewhere: the handler gets plain data and returns a LoginReply.
import type { RemoteInfo, Socket } from 'node:dgram';
import type { LoginReply } from '../../machines/contracts.ts';
import { silentLogger } from '../log/logger.ts';
import { toWire } from './attributes.ts';
import { checkRequest, decodePacket } from './codec/decode.ts';
import { encodeReply } from './codec/encode.ts';
import { describeAttributes } from './attribute-format.ts';
import { sendBacklogMarker } from './backlog-marker.ts';
import { createDropLog } from './drop-log.ts';
import { fingerprint, ReplyCache } from './reply-cache.ts';
import {
  type DropReason,
  type ListenerAddress,
  type ListenResult,
  type RadiusRequest,
  type RadiusServer,
  type RadiusServerOptions,
  type RadiusServerStats,
  ServerDrop,
  type ServerSection,
} from './server-types.ts';
import {
  callHandler,
  displayIp,
  DROP_TEXT,
  invalidMaText,
  type Listener,
  listenersFor,
  type Pending,
  replyAttributes,
  replyTarget,
  requestParts,
} from './server-parts.ts';
import { bindUdp } from './udp-socket.ts';

export * from './server-types.ts';

const DEFAULT_RCVBUF = 8 * 1024 * 1024;


export function createRadiusServer(opts: RadiusServerOptions): RadiusServer {
  const logger = opts.logger ?? silentLogger();
  const now = opts.now ?? Date.now;
  const dropLog = createDropLog(logger, opts.dropLogIntervalMs ?? 60_000, now);
  const cache = new ReplyCache({ ttlMs: opts.replyCacheMs ?? 30_000, now });
  let sectionsByName = new Map<string, ServerSection>(opts.sections.map((s) => [s.name, s]));
  const learnedMa = new Set<string>(opts.learnedMa?.initial ?? []);
  const st: RadiusServerStats = {
    received: 0,
    answered: 0,
    statusServer: 0,
    dropped: {},
    duplicates: { resent: 0, whilePending: 0, afterDrop: 0 },
    inFlight: 0,
    sendErrors: 0,
  };
  let closed = false;
  let sweepTimer: NodeJS.Timeout | undefined;

  // One listener per (port, interface), serving every section configured on it (reference §1).
  const listeners: Listener[] = [...listenersFor(opts.sections).values()];

  function drop(reason: DropReason, ip: string, port: number, text?: string): void {
    st.dropped[reason] = (st.dropped[reason] ?? 0) + 1;
    const detail = text ?? DROP_TEXT[reason] ?? reason;
    dropLog.drop(reason, ip, port, `dropping packet from ${ip}:${port} - ${detail}`);
  }

  function send(l: Listener, socket: Socket, bytes: Buffer, rinfo: RemoteInfo): void {
    l.sending++;
    socket.send(bytes, rinfo.port, rinfo.address, (err) => {
      l.sending--;
      closeIfDone(l);
      if (err) {
        st.sendErrors++;
        logger.warn({ event: 'radius_send_error', client: displayIp(rinfo.address), err: err.message }, 'could not send RADIUS reply');
      }
    });
  }

  function onMessage(l: Listener, socket: Socket, msg: Buffer, rinfo: RemoteInfo): void {
    if (l.marker?.is(msg)) {
      // Synchronously: the next datagram, maybe read in this same turn, is already new.
      l.refusing = true;
      l.marker.seen();
      return;
    }
    st.received++;
    const ip = displayIp(rinfo.address);
    const client = l.matcher.match(ip);
    if (client === undefined) {
      drop(ServerDrop.UnknownClient, ip, rinfo.port, `Unknown Client: ${ip}`);
      return;
    }
    const framed = decodePacket(msg);
    if (!framed.ok) {
      drop(framed.reason, ip, rinfo.port);
      return;
    }
    const packet = framed.packet;
    const section = sectionsByName.get(client.section)!;

    if (packet.code === 12) {
      // A health check while shutting down must fail: no answer.
      if (l.refusing || l.retired) return drop(ServerDrop.ShuttingDown, ip, rinfo.port);
      // Status-Server (RFC 5997): must carry a valid MA; answered with Access-Accept, MA first.
      const v = checkRequest(packet, { secret: client.secret, requireMessageAuthenticator: true });
      if (!v.ok) {
        drop(v.reason, ip, rinfo.port, invalidMaText(v.reason, ip));
        return;
      }
      const r = encodeReply(packet, 2, [], client.secret);
      if (!r.ok) {
        drop(ServerDrop.EncodeError, ip, rinfo.port, r.error);
        return;
      }
      st.answered++;
      st.statusServer++;
      send(l, socket, r.bytes, rinfo);
      return;
    }
    if (packet.code !== 1) {
      drop(ServerDrop.WrongCode, ip, rinfo.port);
      return;
    }

    const policy = section.requireMessageAuthenticator ?? 'auto';
    const require = policy === 'true' || (policy === 'auto' && learnedMa.has(ip));
    const v = checkRequest(packet, { secret: client.secret, requireMessageAuthenticator: require, limitProxyState: section.limitProxyState ?? false });
    if (!v.ok) {
      drop(v.reason, ip, rinfo.port, invalidMaText(v.reason, ip));
      return;
    }
    if (policy === 'auto' && packet.maValueOffset >= 0 && !learnedMa.has(ip)) {
      learnedMa.add(ip);
      opts.learnedMa?.learned(ip);
      logger.info({ event: 'radius_ma_learned', client: ip, server: section.name }, `client ${ip} sent Message-Authenticator: it is now required from it`);
    }

    const key = `${rinfo.address}|${rinfo.port}|${packet.id}`;
    const fp = fingerprint(requestParts(packet));
    const verdict = cache.lookup(key, fp);
    if (verdict.kind !== 'new') {
      logger.debug({ event: 'radius_duplicate', client: ip, id: packet.id, state: verdict.kind }, 'Received duplicate request');
      if (verdict.kind === 'resend') {
        st.duplicates.resent++;
        send(l, socket, verdict.bytes, rinfo);
        return;
      }
      if (verdict.kind === 'pending') st.duplicates.whilePending++;
      else st.duplicates.afterDrop++;
      return;
    }
    // Retransmissions of running requests (above) are still recognised; a new request is refused.
    if (l.refusing || l.retired) return drop(ServerDrop.ShuttingDown, ip, rinfo.port);
    const token = cache.begin(key, fp);
    st.inFlight++;
    // debug: the request, and the packet with its secrets redacted (reference §5.3 "Packet dump";
    // attribute-format.ts). Their fields and texts are built only when debug is on.
    if (logger.isLevelEnabled?.('debug')) {
      logger.debug({ event: 'radius_request', client: ip, port: rinfo.port, id: packet.id, server: section.name }, `Received new request id ${packet.id}`);
      logger.debug({ event: 'radius_packet', direction: 'received', client: ip, port: rinfo.port, id: packet.id, code: packet.code, attributes: describeAttributes(packet.attributes) }, `Packet dump - received from ${ip}`);
    }
    const req: RadiusRequest = {
      server: section.name,
      clientIp: ip,
      clientPort: rinfo.port,
      code: packet.code,
      identifier: packet.id,
      authenticator: packet.authenticator.toString('base64'),
      attributes: packet.attributes.map(toWire),
      listener: { port: l.port, interface: l.iface },
      receivedAt: now(),
    };
    const p: Pending = { listener: l, socket, rinfo, ip, secret: client.secret, key, token, target: replyTarget(packet) };
    l.pending++;
    // Exactly one settle per request; whatever the handler returned or threw, nothing escapes it. The two
    // callbacks hold `p` alone: not the datagram, its decoded attributes or `req`, which a login waiting
    // on a push would otherwise keep for a minute.
    callHandler(opts.handle, req).then(
      (outcome) => settle(p, outcome),
      (err: unknown) => settle(p, err instanceof Error ? err : new Error(String(err))),
    );
  }

  function settle(p: Pending, outcome: LoginReply | Error): void {
    st.inFlight--;
    p.listener.pending--;
    if (closed) {
      st.dropped.closed = (st.dropped.closed ?? 0) + 1;
      return;
    }
    try {
      deliver(p, outcome);
    } catch (err) {
      failed(p, err instanceof Error ? err : new Error(String(err)));
    }
    closeIfDone(p.listener);
  }

  function failed(p: Pending, err: Error): void {
    const { ip, rinfo } = p;
    logger.error({ event: 'radius_handler_error', client: ip, id: p.target.id, err: err.message }, `unhandled error processing request from ${ip}:${rinfo.port}`);
    cache.complete(p.key, p.token, undefined);
    drop(ServerDrop.HandlerError, ip, rinfo.port, 'handler failed');
  }

  function deliver(p: Pending, reply: LoginReply | Error): void {
    if (reply instanceof Error) return failed(p, reply);
    const { ip, rinfo, target } = p;
    if (reply?.kind === 'drop') {
      cache.complete(p.key, p.token, undefined);
      st.dropped[ServerDrop.HandlerDrop] = (st.dropped[ServerDrop.HandlerDrop] ?? 0) + 1;
      logger.info({ event: 'radius_no_reply', client: ip, id: target.id, reason: reply.reason }, 'no response sent');
      return;
    }
    if (reply?.kind !== 'reply') return failed(p, new Error('handler returned neither a reply nor a drop'));
    const attributes = replyAttributes(reply);
    const r = encodeReply(target, reply.code, attributes, p.secret);
    if (!r.ok) {
      cache.complete(p.key, p.token, undefined);
      logger.error({ event: 'radius_encode_error', client: ip, id: target.id, err: r.error }, `unhandled error processing request from ${ip}:${rinfo.port}`);
      drop(ServerDrop.EncodeError, ip, rinfo.port, r.error);
      return;
    }
    cache.complete(p.key, p.token, r.bytes);
    st.answered++;
    if (logger.isLevelEnabled?.('debug')) logger.debug({ event: 'radius_packet', direction: 'sent', client: ip, port: rinfo.port, id: target.id, code: reply.code, attributes: describeAttributes(attributes) }, `Packet dump - sent to ${ip}`);
    send(p.listener, p.socket, r.bytes, rinfo);
  }

  /** A socket a reload retired closes once its last answer is sent (closing cancels unsent datagrams). */
  function closeIfDone(l: Listener): void {
    if (l.retired && l.pending === 0 && l.sending === 0) void closeSocket(l);
  }

  function closeSocket(l: Listener): Promise<void> {
    return new Promise<void>((resolve) => {
      if (l.socket === undefined) return resolve();
      l.socket.close(() => resolve());
      l.socket = undefined;
    });
  }

  async function closeAll(): Promise<void> {
    closed = true;
    clearInterval(sweepTimer);
    dropLog.close();
    await Promise.all(listeners.map(closeSocket));
  }

  async function bind(l: Listener): Promise<{ ok: true } | { ok: false; error: string }> {
    const r = await bindUdp(l.port, l.iface, opts.receiveBufferBytes ?? DEFAULT_RCVBUF, logger);
    if (!r.ok) return r;
    const socket = r.bound.socket;
    l.socket = socket;
    socket.on('message', (msg, rinfo) => onMessage(l, socket, msg, rinfo));
    socket.on('error', (err) => logger.error({ event: 'radius_socket_error', err: err.message }, 'RADIUS socket error'));
    l.bound = { port: r.bound.port, address: r.bound.address, interface: l.iface, receiveBufferBytes: r.bound.receiveBufferBytes };
    return { ok: true };
  }

  const live = (): ListenerAddress[] => listeners.filter((l) => !l.retired && l.bound).map((l) => l.bound!);

  return {
    async listen(): Promise<ListenResult> {
      for (const l of listeners) {
        const r = await bind(l);
        if (!r.ok) {
          await closeAll();
          return { ok: false, error: r.error };
        }
      }
      sweepTimer = setInterval(() => cache.sweep(), 1000);
      sweepTimer.unref();
      return { ok: true, listeners: live() };
    },
    async reconfigure(sections): Promise<ListenResult> {
      const wanted = listenersFor(sections);
      const keyOf = (l: Listener) => `${l.port}|${l.iface}`;
      const kept = new Map(listeners.filter((l) => !l.retired).map((l) => [keyOf(l), l]));
      // New ports first: if one cannot be bound, nothing changes and the running sections stay.
      const fresh = [...wanted].filter(([key]) => !kept.has(key)).map(([, l]) => l);
      for (const l of fresh) {
        const r = await bind(l);
        if (!r.ok) {
          await Promise.all(fresh.map(closeSocket));
          return { ok: false, error: r.error };
        }
      }
      sectionsByName = new Map(sections.map((s) => [s.name, s]));
      for (const [key, l] of kept) {
        const w = wanted.get(key);
        if (w) l.matcher = w.matcher;
        else {
          l.retired = true;
          closeIfDone(l);
        }
      }
      listeners.push(...fresh);
      return { ok: true, listeners: live() };
    },
    async refuseNew(maxWaitMs) {
      // No time to run the backlog (--grace 0, a failed start): nothing to wait for, the door closes now.
      if (maxWaitMs <= 0) {
        for (const l of listeners) l.refusing = true;
        return;
      }
      const how = await Promise.all(
        listeners.map(async (l) => {
          if (l.socket === undefined || l.refusing || l.marker) return 'marker';
          l.marker = sendBacklogMarker(l.socket, maxWaitMs);
          const r = await l.marker.passed;
          l.refusing = true;
          return r;
        }),
      );
      const missed = how.filter((h) => h !== 'marker').length;
      if (missed > 0) logger.warn({ event: 'radius_backlog_marker_missed', listeners: missed, how }, `${missed} listener(s) did not read their shutdown marker (${how.join(', ')}); refusing new requests from now on`);
    },
    stats: () => structuredClone(st),
    close: closeAll,
  };
}

