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

export async function callEngine(
  bus: Bus,
  req: Omit<LoginRequestMessage, 'replySubject'>,
  timeoutMs: number,
): Promise<LoginReplyMessage | undefined> {
  const replySubject = Subjects.loginReply(req.loginId);
  let sub: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<LoginReplyMessage | undefined>((resolve) => {
      sub = bus.subscribe(replySubject, (payload) => resolve(payload as LoginReplyMessage));
      timer = setTimeout(() => resolve(undefined), timeoutMs);
      bus.publish(Subjects.loginRequest, { ...req, replySubject } satisfies LoginRequestMessage);
    });
  } finally {
    clearTimeout(timer);
    sub?.unsubscribe();
  }
}

export function serveEngine(bus: Bus, handle: (req: LoginRequestMessage) => Promise<LoginReply>): Subscription {
  return bus.subscribe(
    Subjects.loginRequest,
    (payload) => {
      const req = payload as LoginRequestMessage;
      handle(req).then(
        (reply) => bus.publish(req.replySubject, { loginId: req.loginId, reply } satisfies LoginReplyMessage),
        // The engine's handler answers every expected failure itself; an exception here is a bug. Stay
        // silent towards the device (it retries) rather than guess an answer.
        () => undefined,
      );
    },
    { queue: ENGINE_QUEUE },
  );
}
