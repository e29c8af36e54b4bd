// The engine: takes login requests off the bus, runs one login actor (machines/login.ts) per request,
// keeps open challenges in the ChallengeStore, publishes every transition (redacted) on
// authproxy.events.<server>.<loginId>, and answers on the login's reply subject.
import { createActor } from 'xstate';
import { Attr } from '../adapters/radius/codec/index.ts';
import { Subjects } from '../adapters/bus/subjects.ts';
import type { Bus } from '../adapters/bus/types.ts';
import type { LoginRequestMessage } from '../adapters/bus/login-rpc.ts';
import type { Logger } from '../adapters/log/logger.ts';
import type { ChallengeStore } from '../adapters/store/types.ts';
import type { DuoApi, LoginReply, PrimaryAuth, WireAttribute } from '../machines/contracts.ts';
import type { AnyLoginEvent } from '../machines/login-events.ts';
import { type LoginReason, reasonText } from '../machines/login-reasons.ts';
import { factorLabel } from '../machines/factor-label.ts';
import { type LoginCalls, loginCalls } from '../machines/login-calls.ts';
import { type LoginInput, type LoginMode, type LoginOptions, type LoginRequest, loginMachine, type Settled, watchSettle } from '../machines/login.ts';
import { Messages } from '../machines/messages.ts';
import { transitionEdgeIds } from '../machines/diagram.ts';
import { loginEventFromInspection } from '../machines/redact.ts';
import { rejectReply } from '../machines/reply.ts';
import { newChallengeState } from './challenge-state.ts';
import { isoTime, type LoginIdentity, LoginRecorder, type LoginTrail, newTrail, trailOf, UNKNOWN_STATE } from './login-recorder.ts';
import { readRequest } from './read-request.ts';

/** Everything the engine needs to know about one server section. */
export interface EngineServer {
  name: string;
  /** The section's Duo integration key (ikey): a challenge State is bound to it as well as to the name. */
  integration: string;
  mode: LoginMode;
  options: LoginOptions;
  /** Attribute whose value is the client IP sent to Duo (client_ip_attr). */
  clientIpAttr: string;
  pwCodec: string;
  /** The secret of the most specific radius_ip_N network of THIS section containing the address. */
  secretFor(clientIp: string): string | undefined;
  primary: PrimaryAuth;
  duo: DuoApi;
  /** The client section doing primary auth, for the login's trace (default: the primary's kind). */
  clientName?: string;
}

export interface LoginEngine {
  handle(req: LoginRequestMessage): Promise<LoginReply>;
  /** Logins currently being handled (for draining on SIGTERM). */
  inFlight(): number;
  /**
   * Shutdown, when the grace is over: every login still running is stopped (its Duo and primary calls
   * aborted) and answered `drop` (no answer: the NAS retries elsewhere), never decided by failmode; a
   * request arriving later is dropped at once. Resolves, once every one of them has returned, with how
   * many there were.
   */
  abandon(): Promise<number>;
  /**
   * A reload: logins that begin from now on use these sections (an answer to an open challenge too);
   * those already running finish with the sections they began with. Resolves once all of those have
   * returned, so their Duo and primary clients can then be closed.
   */
  setServers(servers: Map<string, EngineServer>): Promise<void>;
}

/** The logins begun on one set of sections (one per reload). */
interface Generation {
  running: number;
  retired: boolean;
  idle?: () => void;
}

/** The reason of the drop that abandon() gives the logins it stops. */
export const ABANDONED = 'shutting down: not finished within the grace';

export function createLoginEngine(deps: {
  servers: Map<string, EngineServer>;
  store: ChallengeStore;
  bus: Bus;
  logger: Logger;
  now?: () => number;
  newState?: () => string;
  /** Every summary, primary and Duo call event of this engine's logins (machines/login-events.ts), for
   *  this process's logs and metrics; they also go on the bus when someone listens there. */
  onEvent?: (ev: AnyLoginEvent) => void;
}): LoginEngine {
  const now = deps.now ?? Date.now;
  const newState = deps.newState ?? newChallengeState;
  let running = 0;
  // Shutdown (abandon): each running login registers how to end its wait, and abandon() calls them all.
  // Not Promise.race against one shutdown promise: each race leaves a reaction on that promise, which
  // never settles in normal running, so every login ever handled stayed in memory (~0.4 KiB each).
  let abandoned = false;
  const waits = new Set<() => void>();
  const handling = new Set<Promise<LoginReply>>();
  let servers = deps.servers;
  let generation: Generation = { running: 0, retired: false };
  // Keyed by the section object, not its name: after a reload, a login begun on the old sections keeps
  // the machine (options, clients) of the old one.
  const machines = new WeakMap<EngineServer, ReturnType<typeof provideFor>>();
  // The recorder of each running login, found by its calls through the login's actor.
  const recorders = new WeakMap<object, LoginRecorder>();
  const machineFor = (s: EngineServer) => {
    let m = machines.get(s);
    if (!m) machines.set(s, (m = provideFor(s, recorders)));
    return m;
  };
  const emit = (ev: AnyLoginEvent): void => {
    deps.onEvent?.(ev);
    const subject = Subjects.events(ev.server, ev.loginId);
    if (deps.bus.hasSubscribers?.(subject) ?? true) deps.bus.publish(subject, ev);
  };
  const recorder = (who: LoginIdentity, round: number, server: EngineServer, trail: LoginTrail = newTrail()) =>
    new LoginRecorder(who, trail, round, server.clientName ?? 'primary', emit, now);
  /** The summary of a request answered without running the machine. */
  const answeredAlone = (req: LoginRequestMessage, server: EngineServer, user: string | undefined, reply: LoginReply, reason: LoginReason, detail?: string): LoginReply => {
    const who = { loginId: req.loginId, server: server.name, mode: server.mode, user, clientIp: req.clientIp };
    recorder(who, 1, server).summary(reply, true, { reason, reasonText: reasonText(reason, detail ? { detail } : {}), rounds: 1, startedAt: now() });
    return reply;
  };

  function handle(req: LoginRequestMessage): Promise<LoginReply> {
    if (abandoned) return Promise.resolve({ kind: 'drop', reason: ABANDONED });
    // One reaction does the bookkeeping of the login's generation and of shutdown; not an async wrapper
    // around runOn, whose suspended frame and promise a login waiting on a push would keep (~0.4 KiB).
    const gen = generation;
    gen.running++;
    const p = runOn(servers, req);
    handling.add(p);
    const finished = () => {
      handling.delete(p);
      gen.running--;
      if (gen.retired && gen.running === 0) gen.idle?.();
    };
    p.then(finished, finished);
    return p;
  }

  async function runOn(servers: Map<string, EngineServer>, req: LoginRequestMessage): Promise<LoginReply> {
    const server = servers.get(req.server);
    if (!server) return { kind: 'drop', reason: `no server section ${req.server}` };
    const secret = server.secretFor(req.clientIp);
    if (secret === undefined) return answeredAlone(req, server, undefined, { kind: 'drop', reason: 'unknown client' }, 'unknown_client');
    running++;
    try {
      // The decoded request (its clear password included) lives in begin() only: this frame waits for
      // the whole login, a push included.
      const begun = await begin(req, server, secret);
      if (!('actor' in begun)) return begun.reply;
      const { actor, rec, calls } = begun;
      try {
        const settled = await settledOrAbandoned(actor).catch((err: unknown) => {
          rec.summary({ kind: 'drop', reason: 'internal error' }, true, undefined, 'internal_error');
          throw err;
        });
        const ctx = actor.getSnapshot().context;
        // Stopped by our own shutdown: whatever its Duo or primary call would have said (the abort makes
        // it an error, and failmode would decide an error), the login is not answered.
        if (settled === 'abandoned') {
          const drop: LoginReply = { kind: 'drop', reason: ABANDONED };
          rec.summary(drop, true, { ...ctx, reason: 'shutting_down', reasonText: reasonText('shutting_down', { detail: 'not finished within the grace' }) });
          return drop;
        }
        if (settled.status === 'done') {
          rec.summary(settled.reply, true, ctx);
          return settled.reply;
        }
        // Waiting for the user's answer: persist the quiet snapshot under a fresh State and stop.
        const state = newState();
        await deps.store.put({
          state,
          server: server.name,
          integration: server.integration,
          username: settled.session.username,
          clientIp: settled.session.clientIp,
          issuedId: req.identifier,
          deadline: settled.session.deadline,
          snapshot: actor.getPersistedSnapshot(),
          trail: rec.trail,
        });
        const reply = settled.reply;
        rec.summary(reply, false, ctx);
        if (reply.kind !== 'reply') return reply;
        const stateAttr: WireAttribute = { type: Attr.State, value: Buffer.from(state, 'ascii').toString('base64') };
        return { ...reply, attributes: [...reply.attributes, stateAttr] };
      } finally {
        calls.stop(actor);
      }
    } finally {
      running--;
    }
  }

  /** The login's actor, started on this request (a new login, or the answer to a challenge); or the
   *  reply when the request names a challenge the store does not have. */
  async function begin(req: LoginRequestMessage, server: EngineServer, secret: string): Promise<{ actor: LoginActor; rec: LoginRecorder; calls: LoginCalls } | { reply: LoginReply }> {
    const view = readRequest(req, secret, server);
    // Transitions go to authproxy.events.<server>.<loginId>; when nobody can receive them (an
    // in-process bus with no event subscriber) the actor runs without inspection, which costs a
    // third of its CPU.
    const wanted = deps.bus.hasSubscribers?.(Subjects.events(server.name, req.loginId)) ?? true;
    const inspect = wanted ? inspector(deps.bus, server.name, now) : undefined;
    const { machine, calls } = machineFor(server);
    if (view.state !== undefined) {
      // Bound to the issuing section and its Duo integration (issue 15 §1): a State from a section with a
      // weak primary must not skip another section's primary. A mismatch consumes nothing.
      const taken = await deps.store.take(view.state, { server: server.name, integration: server.integration, clientIp: req.clientIp, username: view.username });
      if (taken.status !== 'ok') {
        return { reply: answeredAlone(req, server, view.username, rejectReply(Messages.unknownChallenge), 'unknown_challenge', UNKNOWN_STATE[taken.status]) };
      }
      const actor = createActor(machine, { snapshot: taken.record.snapshot as never, input: undefined as never, inspect });
      // The login keeps its first request's loginId (in the snapshot) across every round.
      const { loginId, rounds } = actor.getSnapshot().context;
      const rec = recorder({ loginId, server: server.name, mode: server.mode, user: view.username, clientIp: req.clientIp }, rounds + 1, server, trailOf(taken.record.trail));
      recorders.set(actor, rec);
      actor.start();
      actor.send({
        type: 'ANSWER',
        now: now(),
        clientIp: req.clientIp,
        clientIpAttrValue: view.clientIpAttrValue,
        username: view.username,
        password: view.password,
        passwordUndecodable: view.passwordUndecodable,
      });
      return { actor, rec, calls };
    }
    const input: LoginInput = {
      loginId: req.loginId,
      server: server.name,
      mode: server.mode,
      options: server.options,
      request: {
        username: view.username,
        password: view.password,
        passwordUndecodable: view.passwordUndecodable,
        clientIpAttrValue: view.clientIpAttrValue,
        clientIp: req.clientIp,
        attributes: req.attributes,
      },
      now: now(),
    };
    const actor = createActor(machine, { input, inspect });
    const rec = recorder({ loginId: req.loginId, server: server.name, mode: server.mode, user: view.username, clientIp: req.clientIp }, 1, server);
    recorders.set(actor, rec);
    actor.start();
    // XState keeps an actor's input for the actor's whole life (actor.options.input), though the
    // machine reads it only while starting: its context has what it needs from here on. Without this,
    // a login waiting on a push would keep the request's attributes and its clear password.
    input.request = SPENT_REQUEST;
    return { actor, rec, calls };
  }

  /** The login's settle(), or 'abandoned' as soon as abandon() is called. */
  function settledOrAbandoned(actor: LoginActor): Promise<Settled | 'abandoned'> {
    return new Promise((resolve, reject) => {
      if (abandoned) return resolve('abandoned');
      // Only abandon() calls `end`, never during watchSettle(); the callbacks below may run during it
      // (a waiting actor counts as settled at once), so `end` is made first.
      const end = () => {
        watch.stop();
        resolve('abandoned');
      };
      waits.add(end);
      const watch = watchSettle(
        actor,
        (s) => {
          waits.delete(end);
          resolve(s);
        },
        (err) => {
          waits.delete(end);
          reject(err);
        },
      );
    });
  }

  async function abandon(): Promise<number> {
    const left = handling.size;
    abandoned = true;
    for (const end of waits) end();
    await Promise.allSettled([...handling]);
    return left;
  }

  function setServers(next: Map<string, EngineServer>): Promise<void> {
    const old = generation;
    generation = { running: 0, retired: false };
    servers = next;
    old.retired = true;
    if (old.running === 0) return Promise.resolve();
    return new Promise((resolve) => (old.idle = resolve));
  }

  return { handle, inFlight: () => running, abandon, setServers };
}

type LoginActor = ReturnType<typeof createActor<ReturnType<typeof provideFor>['machine']>>;

/** What a started login's input keeps of its request (see begin). */
const SPENT_REQUEST: LoginRequest = Object.freeze({ clientIp: '', attributes: [] });

/** Publishes every transition of a login, redacted, on its events subject. Each event also names the
 *  diagram edges (machines/diagram.ts ids) the login took since the previous one, decisions included:
 *  the dashboard lights them up. */
function inspector(bus: Bus, server: string, now: () => number) {
  let edges: string[] = [];
  return (e: Parameters<typeof loginEventFromInspection>[0]): void => {
    if (e.type === '@xstate.microstep') {
      // The login actor is the only actor of its system (its calls are no actors: login-calls.ts).
      for (const t of e._transitions) edges.push(...transitionEdgeIds(t));
      return;
    }
    // Only the login's snapshots become events; the rest (actions, events, the actor's creation: ~20
    // per login) return here, before the clock is read and formatted.
    if (e.type !== '@xstate.snapshot') return;
    const ev = loginEventFromInspection(e, isoTime(now()));
    if (!ev) return;
    if (edges.length) ev.detail = { ...ev.detail, edges };
    edges = [];
    bus.publish(Subjects.events(server, ev.loginId), ev);
  };
}

/** The machine with this section's adapters as its calls (machines/login-calls.ts), each timed by its
 *  login's recorder. */
function provideFor(s: EngineServer, recorders: WeakMap<object, LoginRecorder>) {
  const calls = loginCalls({
    primaryAuth(input, signal, self) {
      const p = s.primary.authenticate(input, signal);
      return recorders.get(self)?.primary(p) ?? p;
    },
    duoPreauth(input, signal, self) {
      const p = s.duo.preauth(input, signal);
      return recorders.get(self)?.duo('preauth', p) ?? p;
    },
    duoAuth(input, signal, self) {
      const p = s.duo.auth(input, signal);
      return recorders.get(self)?.duo('auth', p, factorLabel(input.factor)) ?? p;
    },
  });
  return { machine: loginMachine.provide({ actions: calls.actions }), calls };
}
