// The Bus over NATS (design.md "Scaling out"): several authproxy processes meet on one nats-server.
// Core NATS is at-most-once: a publish made while the connection is down is lost (the client's
// buffer is reset at the next dial; measured in test/nats/restart.test.ts), and nothing is ever
// delivered twice. That suits RADIUS: the device retransmits, and the listener drops requests
// while the bus is down (busIsUp) instead of waiting on an engine that cannot hear it.
import { connect } from '@nats-io/transport-node';
import type { Msg, NatsConnection, Status, Subscription as NatsSubscription } from '@nats-io/transport-node';
import type { Logger } from '../log/logger.ts';
import { type NatsAuthOptions, redactUrl, splitUrls, toConnectionOptions } from './nats-options.ts';
import type { Bus, SubscribeOptions, Subscription } from './types.ts';
import { registerUpState } from './up-state.ts';

export interface NatsBusOptions extends NatsAuthOptions {
  /** Client name shown by the server's monitoring pages (e.g. `authproxy-<host>-<pid>`). */
  name?: string;
  /** Reconnect after a lost connection, forever (default true). */
  reconnect?: boolean;
  /** Keep retrying when no server answers at startup, instead of failing (default false). */
  waitForServer?: boolean;
  /** Bound on each connection attempt's handshake (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Pause between reconnect attempts to one server (default 1000 ms) plus 0..jitter (default 500 ms). */
  reconnectTimeWaitMs?: number;
  reconnectJitterMs?: number;
  /** Connection status changes: disconnect, reconnecting, reconnect, close, error, staleConnection... */
  onStatus?: (s: NatsBusStatus) => void;
  /** A subscriber's handler threw, a payload was not JSON, or a publish failed (bad subject,
   *  unserialisable payload). Default: logged at error level. */
  onError?: (err: unknown, subject: string) => void;
  log?: Logger;
}

export interface NatsBusStatus {
  type: string;
  detail?: string;
}

export interface NatsBusStats {
  published: number;
  /** Publishes made while the connection was down: lost (core NATS does not replay them). */
  publishedWhileDown: number;
  /** Publishes not sent: after close(), bad subject, unserialisable payload. */
  publishFailed: number;
  delivered: number;
  handlerErrors: number;
  disconnects: number;
  reconnects: number;
}

export type NatsBus = Bus & {
  readonly nc: NatsConnection;
  /** True while connected to a server (false while reconnecting and after close). */
  isUp(): boolean;
  stats(): NatsBusStats;
};

export { busIsUp } from './up-state.ts';

/** Connects, or rejects within about connectTimeoutMs with a message naming the URL(s) (credentials
 *  removed). With `waitForServer` it instead retries until a server answers. */
export async function connectNatsBus(opts: NatsBusOptions): Promise<NatsBus> {
  const built = toConnectionOptions(opts);
  if (!built.ok) throw new Error(built.error);
  const where = splitUrls(opts.url).map(redactUrl).join(', ');
  const log = opts.log;
  const onError =
    opts.onError ?? ((err: unknown, subject: string) => log?.error({ event: 'bus_error', subject, err: errText(err) }, 'NATS bus: a handler failed or a message could not be sent'));
  let nc: NatsConnection;
  try {
    nc = await connect({
      ...built.options,
      name: opts.name ?? 'authproxy',
      reconnect: opts.reconnect ?? true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: opts.reconnectTimeWaitMs ?? 1000,
      reconnectJitter: opts.reconnectJitterMs ?? 500,
      reconnectJitterTLS: opts.reconnectJitterMs ?? 500,
      waitOnFirstConnect: opts.waitForServer ?? false,
      timeout: opts.connectTimeoutMs ?? 5000,
    });
  } catch (err) {
    throw new Error(`NATS: cannot connect to ${where}: ${errText(err)}`, { cause: err });
  }

  const stats: NatsBusStats = { published: 0, publishedWhileDown: 0, publishFailed: 0, delivered: 0, handlerErrors: 0, disconnects: 0, reconnects: 0 };
  let up = true;
  watchStatus(nc, (s) => {
    if (s.type === 'disconnect') {
      up = false;
      stats.disconnects++;
      log?.warn({ event: 'nats_disconnected', server: redactUrl(s.detail ?? '') }, 'NATS connection lost; reconnecting');
    } else if (s.type === 'reconnect') {
      up = true;
      stats.reconnects++;
      log?.info({ event: 'nats_reconnected', server: redactUrl(s.detail ?? '') }, 'NATS connection restored');
    } else if (s.type === 'close') {
      up = false;
    }
    try {
      opts.onStatus?.(s);
    } catch (err) {
      onError(err, '(status)');
    }
  });

  const bus: NatsBus = {
    kind: 'nats',
    nc,
    isUp: () => up && !nc.isClosed(),
    stats: () => ({ ...stats }),
    publish(subject, payload) {
      stats.published++;
      if (nc.isClosed()) {
        // After close(), like the in-process bus: silently nothing.
        stats.publishFailed++;
        return;
      }
      if (!up) stats.publishedWhileDown++;
      try {
        const body = JSON.stringify(payload);
        nc.publish(subject, body === undefined ? '' : body);
      } catch (err) {
        stats.publishFailed++;
        onError(err, subject);
      }
    },
    subscribe(subject, handler, o: SubscribeOptions = {}): Subscription {
      const deliver = (msg: Msg) => {
        stats.delivered++;
        try {
          handler(msg.data.length === 0 ? undefined : msg.json(), msg.subject);
        } catch (err) {
          stats.handlerErrors++;
          onError(err, msg.subject);
        }
      };
      let sub: NatsSubscription;
      try {
        sub = nc.subscribe(subject, {
          ...(o.queue === undefined ? {} : { queue: o.queue }),
          callback: (err, msg) => (err ? onError(err, subject) : deliver(msg)),
        });
      } catch (err) {
        // A closed or draining connection: nothing will ever arrive; say so once.
        onError(err, subject);
        return { unsubscribe: () => undefined };
      }
      return {
        unsubscribe: () => {
          if (!sub.isClosed()) sub.unsubscribe();
        },
      };
    },
    async flush() {
      // While disconnected there is no server to confirm anything, and what was published meanwhile
      // is lost anyway (see the top of this file): return at once instead of waiting for a reconnect.
      if (!bus.isUp()) return;
      await nc.flush().catch(() => undefined);
    },
    async close() {
      if (nc.isClosed() || nc.isDraining()) {
        await nc.closed();
        return;
      }
      // Connected: drain (stop taking messages, let handlers of received ones run, flush, close).
      // Disconnected: there is nothing to drain to.
      if (up) await nc.drain().catch(() => nc.close());
      else await nc.close();
    },
  };
  registerUpState(bus, bus.isUp);
  return bus;
}

function watchStatus(nc: NatsConnection, on: (s: NatsBusStatus) => void): void {
  (async () => {
    // Pings are routine and would drown the interesting changes.
    for await (const s of nc.status()) if (s.type !== 'ping') on(describe(s));
  })().catch(() => undefined);
}

function describe(s: Status): NatsBusStatus {
  switch (s.type) {
    case 'disconnect':
    case 'reconnect':
    case 'ldm':
      return { type: s.type, detail: s.server };
    case 'error':
      return { type: s.type, detail: errText(s.error) };
    case 'slowConsumer':
      return { type: s.type, detail: `${s.sub.getSubject()} pending ${s.pending}` };
    default:
      return { type: s.type };
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
