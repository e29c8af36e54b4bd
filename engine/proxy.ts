// One authproxy process: RADIUS listeners and/or login engines (per [main] role), wired through the
// bus (in process by default, NATS when [main] nats_url is set) and a challenge store.
import { randomUUID } from 'node:crypto';
import { type LoginRequestMessage, callEngine, serveEngine } from '../adapters/bus/login-rpc.ts';
import { createMemoryBus } from '../adapters/bus/memory.ts';
import { busIsUp } from '../adapters/bus/up-state.ts';
import { Subjects } from '../adapters/bus/subjects.ts';
import type { Bus, Subscription } from '../adapters/bus/types.ts';
import type { BusHub } from '../adapters/bus/worker-bridge.ts';
import { type Logger, unredacted } from '../adapters/log/logger.ts';
import { resolve } from 'node:path';
import { type LearnedMaStore, openLearnedMaFile } from '../adapters/radius/ma-learned-file.ts';
import { createRadiusServer } from '../adapters/radius/server.ts';
import type { ListenerAddress, RadiusRequest, RadiusServer } from '../adapters/radius/server-types.ts';
import { createMemoryStore } from '../adapters/store/memory.ts';
import type { ChallengeStore } from '../adapters/store/types.ts';
import type { ProxyConfig, Role } from '../config/index.ts';
import type { LoginEvent, LoginReply } from '../machines/contracts.ts';
import { type AnyLoginEvent, isSummaryEvent } from '../machines/login-events.ts';
import type { LoginReason } from '../machines/login-reasons.ts';
import type { LoginMode } from '../machines/login-types.ts';
import { loginLine } from '../ops/logs/login-line.ts';
import { findString } from '../adapters/radius/attributes.ts';
import { dropSummary } from './login-recorder.ts';
import type { EngineThreads } from './engine-threads.ts';
import { createLoginEngine, type LoginEngine } from './login-engine.ts';
import { type PrimaryFactory, buildServers, clientNetworks } from './servers.ts';

export interface ProxyOptions {
  config: ProxyConfig;
  logger: Logger;
  role?: Role;
  /** Given when the process shares work over NATS; default: an in-process bus and memory store. */
  bus?: Bus;
  store?: ChallengeStore;
  primaryFactory?: PrimaryFactory;
  /** How long the listener waits for an engine's answer; default: the longest login_timeout + 5 s. */
  engineWaitMs?: number;
  /** Whether debug logging prints every login transition; default true. Engine threads leave it to the
   *  main thread, which hears all their events. */
  logTransitions?: boolean;
  /** Whether the info line of each login is logged here; default true. Engine threads send their
   *  events to the main thread, which logs them. */
  logLogins?: boolean;
  /** Every summary, primary and Duo call event of the logins this process runs, engine threads
   *  included (machines/login-events.ts): for this process's logs and metrics. */
  onLoginEvent?: (ev: AnyLoginEvent) => void;
  /** Where a relative [main] ma_state_file is resolved; default: the config file's directory. `start`
   *  passes systemd's $STATE_DIRECTORY (the unit's StateDirectory=), because the unit makes /etc read-only. */
  stateDir?: string;
}

export interface RunningProxy {
  listeners: ListenerAddress[];
  radius: RadiusServer | undefined;
  /** The in-process engine; undefined when this process runs none, or runs them in worker threads. */
  engine: LoginEngine | undefined;
  /** The engine worker threads ([main] engine_threads > 0). */
  engineThreads: EngineThreads | undefined;
  bus: Bus;
  store: ChallengeStore;
  /** Stop taking new requests, let running logins finish (at most graceMs), close everything. */
  stop(graceMs?: number): Promise<void>;
  /**
   * SIGHUP: the server and client sections of `next` replace the running ones (ops/reload.ts checks the
   * file and what needs a restart). New ports are bound first: if one cannot be, nothing changes. Logins
   * in flight finish on the sections they began with, and open challenges of a section that still
   * exists can be answered. `role`, NATS and engine_threads stay as they started.
   */
  reload(next: ProxyConfig): Promise<{ ok: true; listeners: ListenerAddress[] } | { ok: false; error: string }>;
}

/** What the RADIUS server needs of each server section. */
function radiusSections(config: ProxyConfig) {
  return config.servers.map((s) => ({
    name: s.name,
    port: s.port,
    interface: s.interface,
    clients: clientNetworks(s),
    requireMessageAuthenticator: s.requireMessageAuthenticator,
    limitProxyState: s.limitProxyState,
  }));
}

/** How long the listener waits for an engine's answer: the longest login_timeout + 5 s. */
function engineWait(config: ProxyConfig): number {
  return Math.max(...config.servers.map((s) => s.loginTimeout), 0) * 1000 + 5000;
}

export async function startProxy(o: ProxyOptions): Promise<RunningProxy> {
  const { config, logger } = o;
  const role = o.role ?? config.main.role;
  const runsEngine = role === 'engine' || role === 'both';
  const threads = runsEngine ? config.main.engineThreads : 0;
  // With nats_url each engine thread connects to NATS itself, like a separate engine process; without,
  // the threads are bridged to this thread's bus (through the hub) and challenge store.
  const bridged = threads > 0 && config.main.natsServers.length === 0;
  const rawBus = o.bus ?? createMemoryBus({ onError: (err, subject) => logger.error({ err, subject }, 'bus handler error') });
  // The worker-thread machinery is loaded only by a process that runs engine threads.
  const hub: BusHub | undefined = bridged ? (await import('../adapters/bus/worker-bridge.ts')).createBusHub(rawBus) : undefined;
  const bus = hub?.bus ?? rawBus;
  const store = o.store ?? createMemoryStore();
  const subs: Subscription[] = [];
  let engine: LoginEngine | undefined;
  let engineThreads: EngineThreads | undefined;
  let radius: RadiusServer | undefined;
  let learnedMa: LearnedMaStore | undefined;
  let listeners: ListenerAddress[] = [];
  // Requests handed to an engine whose answer the listener still waits for (drained on stop()).
  let waiting = 0;
  let waitMs = 0;
  // The server sections running now (a reload replaces them).
  let sections = config.servers;
  // Duo and primary clients are only needed where the engine runs.
  let built = runsEngine && threads === 0 ? buildServers(config, logger, o.primaryFactory ?? (() => undefined)) : undefined;

  // Every login transition is on the bus; the log gets the final answer of each login at info and,
  // with --log-level debug, every transition. Subscribed before the engine threads start, so that they
  // know from their first login that someone listens.
  if (logger.isLevelEnabled('debug') && o.logTransitions !== false) {
    const logTransition = (payload: unknown) => logger.debug({ event: 'login-transition', login: payload as LoginEvent }, 'login transition');
    subs.push(bus.subscribe(Subjects.allEvents, logTransition));
  }

  // The info line of every login, and whoever else wants this process's login events. Its fields are
  // flat and fixed (login-line.ts), none a redacted name: it is written without pino's redaction pass.
  const loginLog = unredacted(logger);
  const onEvent = (ev: AnyLoginEvent, thread?: number): void => {
    // The line is built only when it is written (a proxy at log_level warn writes none).
    if (o.logLogins !== false && isSummaryEvent(ev) && loginLog.isLevelEnabled('info')) {
      const line = loginLine(ev.detail);
      loginLog.info(thread === undefined ? line.fields : { ...line.fields, thread }, line.message);
    }
    o.onLoginEvent?.(ev);
  };
  /** A request the listener answers with nothing before any engine decided: its summary all the same. */
  const listenerDrop = (req: RadiusRequest, loginId: string, reason: LoginReason, detail: string): LoginReply => {
    const mode = sections.find((s) => s.name === req.server)?.type as LoginMode;
    const who = { loginId, server: req.server, mode, user: findString(req.attributes, 'User-Name'), clientIp: req.clientIp };
    return dropSummary(who, reason, detail, (ev) => {
      onEvent(ev);
      bus.publish(Subjects.events(ev.server, ev.loginId), ev);
    });
  };

  if (built) {
    engine = createLoginEngine({ servers: built.servers, store, bus, logger, onEvent });
    subs.push(serveEngine(bus, (req) => engine!.handle(req)));
  } else if (threads > 0) {
    // Engine threads run the real primary clients (engine/primary-factory.ts): a primaryFactory given
    // here is a function and cannot cross to another thread.
    try {
      const { startEngineThreads } = await import('./engine-threads.ts');
      engineThreads = await startEngineThreads({ count: threads, config, logger, bridge: hub ? { hub, store } : undefined, onEvent });
    } catch (err) {
      await closeAll();
      throw err;
    }
  }

  if (role === 'listener' || role === 'both') {
    waitMs = o.engineWaitMs ?? engineWait(config);
    // The clients learnt under require_message_authenticator = auto survive a restart (issue 15 §8).
    if (config.main.maStateFile !== '' && config.servers.some((s) => s.requireMessageAuthenticator === 'auto'))
      learnedMa = openLearnedMaFile(resolve(o.stateDir ?? config.dir, config.main.maStateFile), logger.child({ component: 'radius' }));
    radius = createRadiusServer({
      sections: radiusSections(config),
      receiveBufferBytes: config.main.udpReceiveBuffer,
      logger: logger.child({ component: 'radius' }),
      ...(learnedMa ? { learnedMa } : {}),
      // Not an async function: one promise (callEngine's answer, then this) per request instead of three.
      handle: (req: RadiusRequest): Promise<LoginReply> | LoginReply => {
        // While the shared bus is down no engine can be reached: drop (counted); the device retransmits.
        const loginId = randomUUID();
        if (!busIsUp(bus)) return listenerDrop(req, loginId, 'bus_down', 'no engine can be reached');
        const msg: Omit<LoginRequestMessage, 'replySubject'> = {
          loginId,
          server: req.server,
          clientIp: req.clientIp,
          clientPort: req.clientPort,
          identifier: req.identifier,
          authenticator: req.authenticator,
          attributes: req.attributes,
          deadline: req.receivedAt + waitMs,
        };
        waiting++;
        return callEngine(bus, msg, waitMs).then(
          // No engine answered in time: say nothing, the device retransmits (safer than a guess).
          (answer) => (waiting--, answer?.reply ?? listenerDrop(req, loginId, 'no_engine_answer', `none within ${waitMs} ms`)),
          (err: unknown) => {
            waiting--;
            throw err;
          },
        );
      },
    });
    const bound = await radius.listen();
    if (!bound.ok) {
      await engineThreads?.stop(0);
      await closeAll();
      throw new Error(bound.error);
    }
    listeners = bound.listeners;
  }

  async function closeAll() {
    for (const s of subs) s.unsubscribe();
    await learnedMa?.close();
    await built?.close();
    if (!o.store) await store.close();
    if (!o.bus) await bus.close();
  }

  return {
    get listeners() {
      return listeners;
    },
    radius,
    engine,
    engineThreads,
    bus,
    store,
    async stop(graceMs = 10_000) {
      // Requests that reached us before the signal, even those still unread in the sockets, are logins
      // like the others; only new ones are refused (radius.refuseNew). Running logins get the grace and
      // their answers go out on the still-open sockets; then the listeners close.
      const until = Date.now() + graceMs;
      await radius?.refuseNew(Math.min(graceMs, 5000));
      while ((waiting > 0 || (engine?.inFlight() ?? 0) > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      // The grace is over: what still runs is stopped, unanswered (the NAS retries elsewhere), before the
      // Duo and primary clients close, so that no aborted call is decided by failmode.
      const abandoned = (await engine?.abandon()) ?? 0;
      if (abandoned > 0)
        logger.warn({ event: 'shutdown_abandoned', logins: abandoned, graceMs }, `${abandoned} login(s) could not finish within the ${graceMs} ms grace: not answered (the NAS retries elsewhere)`);
      // Engine threads drain themselves (a login a listener gave up on, or one from another process over
      // NATS, may still run there), with what is left of the grace; their answers still need the hub.
      await engineThreads?.stop(Math.max(0, until - Date.now()));
      if (waiting > 0) logger.warn({ event: 'shutdown_unanswered', requests: waiting }, `${waiting} request(s) still waiting for an engine at shutdown: not answered`);
      await radius?.close();
      await closeAll();
    },
    async reload(next) {
      if (radius) {
        const r = await radius.reconfigure(radiusSections(next));
        if (!r.ok) return r;
        listeners = r.listeners;
        waitMs = o.engineWaitMs ?? engineWait(next);
      }
      if (engine && built) {
        const old = built;
        built = buildServers(next, logger, o.primaryFactory ?? (() => undefined));
        // The old Duo and primary clients close once the logins begun on them have returned.
        void engine.setServers(built.servers).then(() => old.close());
      }
      await engineThreads?.reload(next);
      sections = next.servers;
      return { ok: true, listeners };
    },
  };
}
