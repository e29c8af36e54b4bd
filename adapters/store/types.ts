// Challenge sessions (reference §9.4): one per open Access-Challenge, keyed by its State. Two
// implementations share this interface and test/contract/store.ts: memory (embedded default) and
// NATS JetStream KV (shared between instances, design.md "Scaling out").

export interface ChallengeRecord {
  /** The State attribute's 44 base64 characters. */
  state: string;
  /** The server section that issued the challenge: only that section may take the answer (issue 15 §1). */
  server: string;
  /** The Duo integration (ikey) of that section when it issued it: two processes whose same-named
   *  sections use different integrations do not honour each other's States. */
  integration: string;
  username: string;
  /** Source IP of the request that got the challenge: an answer must come from the same IP. */
  clientIp: string;
  /** RADIUS identifier of that request, for the log line `Valid response to challenge issued at id N`. */
  issuedId: number;
  /** Absolute expiry, epoch ms. Past it the record is gone, whatever the backend's TTL does. */
  deadline: number;
  /** The login actor's persisted snapshot (no password in it; see machines/login.ts). */
  snapshot: unknown;
  /** What the login's summary adds up over its rounds (engine/login-recorder.ts LoginTrail); optional. */
  trail?: unknown;
}

export type TakeResult =
  | { status: 'ok'; record: ChallengeRecord }
  | { status: 'unknown' }
  | { status: 'wrong-server'; record: ChallengeRecord }
  | { status: 'wrong-ip'; record: ChallengeRecord }
  | { status: 'wrong-user'; record: ChallengeRecord };

/** Who presents a State: the section that received the answer, its ikey, the device and the user. */
export interface ChallengeRequester {
  server: string;
  integration: string;
  clientIp: string;
  username: string | undefined;
}

/** Why `who` may not take `r`, or undefined when it may. One rule for every store implementation. */
export function mismatch(r: ChallengeRecord, who: ChallengeRequester): 'wrong-server' | 'wrong-ip' | 'wrong-user' | undefined {
  // A record without `integration` was written by a version that did not bind it: refused too.
  if (r.server !== who.server || r.integration !== who.integration) return 'wrong-server';
  if (r.clientIp !== who.clientIp) return 'wrong-ip';
  if (r.username !== who.username) return 'wrong-user';
  return undefined;
}

export interface ChallengeStore {
  /** Stores a new record; rejects if the State already exists (States are unique among live ones). */
  put(record: ChallengeRecord): Promise<void>;
  /** Consumes the record atomically if server section, Duo integration, source IP and User-Name all
   *  match (exact comparison). A mismatch does NOT consume it. Two concurrent takes of one State: at
   *  most one gets 'ok'. */
  take(state: string, who: ChallengeRequester): Promise<TakeResult>;
  close(): Promise<void>;
  readonly kind: string;
  /** How many challenges are open (for authproxy_challenges_open). Optional: a store that cannot count
   *  cheaply leaves it out. With NATS KV it is the shared bucket's count, the same on every instance. */
  open?(): Promise<number>;
}
