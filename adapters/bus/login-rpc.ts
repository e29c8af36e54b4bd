// A login travels listener → engine → listener as two bus messages (design.md "Contract: bus
// subjects"): the request on `authproxy.login.request` (queue group `engines`, so exactly one engine
// takes it) and the reply on `authproxy.login.reply.<loginId>`. No answer before the deadline means
// the listener answers nothing: the device retransmits, which is always safer than a wrong answer.
import type { LoginReply, WireAttribute } from '../../machines/contracts.ts';
import { ENGINE_QUEUE, Subjects } from './subjects.ts';
import type { Bus, Subscription } from './types.ts';

export interface LoginRequestMessage {
  loginId: string;
  /** Server section name (radius_server_auto, radius_server_challenge2, ...). */
  server: string;
  clientIp: string;
  clientPort: number;
  identifier: number;
  /** Request Authenticator, base64: the engine needs it to unhide User-Password. */
  authenticator: string;
  /** All request attributes in order; User-Password still hidden. */
  attributes: WireAttribute[];
  replySubject: string;
  /** Epoch ms after which the listener no longer waits. */
  deadline: number;
}

export interface LoginReplyMessage {
  loginId: string;
  reply: LoginReply;
}

/** One login waiting for its engine's answer: the reply subscription, the wait timer, and the promise. */
class EngineCall {
  sub: Subscription | undefined;
  timer: NodeJS.Timeout | undefined;
  private resolve: ((m: LoginReplyMessage | undefined) => void) | undefined;
  readonly answer = new Promise<LoginReplyMessage | undefined>((resolve) => (this.resolve = resolve));

  end(m: LoginReplyMessage | undefined): void {
    const resolve = this.resolve;
    if (resolve === undefined) return;
    this.resolve = undefined;
    clearTimeout(this.timer);
    this.sub?.unsubscribe();
    resolve(m);
  }
}

/**
 * Sends the request and resolves with the engine's answer, or undefined after timeoutMs. Not an async
 * function, and the callbacks hold the call alone: a login waiting on a push keeps neither the request
 * nor a suspended frame here.
 */
export function callEngine(
  bus: Bus,
  req: Omit<LoginRequestMessage, 'replySubject'>,
  timeoutMs: number,
): Promise<LoginReplyMessage | undefined> {
  const replySubject = Subjects.loginReply(req.loginId);
  const call = new EngineCall();
  try {
    call.sub = bus.subscribe(replySubject, (payload) => call.end(payload as LoginReplyMessage));
    call.timer = setTimeout(() => call.end(undefined), timeoutMs);
    // Handed over: the message is built here for this publish alone; its attributes are the decoded
    // request's, which the listener only reads from now on (the bus may freeze them).
    bus.publish(Subjects.loginRequest, { ...req, replySubject } satisfies LoginRequestMessage, { handOver: true });
  } catch (err) {
    call.end(undefined);
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  return call.answer;
}

export function serveEngine(bus: Bus, handle: (req: LoginRequestMessage) => Promise<LoginReply>): Subscription {
  return bus.subscribe(
    Subjects.loginRequest,
    (payload) => {
      const req = payload as LoginRequestMessage;
      // The answer callback keeps the two strings it needs, not the request (a push may take a minute).
      const { replySubject, loginId } = req;
      handle(req).then(
        // Handed over: the engine is done with this login's reply once it returned it.
        (reply) => bus.publish(replySubject, { loginId, reply } satisfies LoginReplyMessage, { handOver: true }),
        // The engine's handler answers every expected failure itself; an exception here is a bug. Stay
        // silent towards the device (it retries) rather than guess an answer.
        () => undefined,
      );
    },
    { queue: ENGINE_QUEUE },
  );
}
