// Challenge sessions (reference §9.4): one per open Access-Challenge, keyed by its State. Two
// implementations share this interface and test/contract/store.ts: memory (embedded default) and
// NATS JetStream KV (shared between instances, design.md "Scaling out").

export interface ChallengeRecord {
  /** The State attribute's 44 base64 characters. */
  state: string;
  server: string;
  username: string;
  /** Source IP of the request that got the challenge: an answer must come from the same IP. */
  clientIp: string;
  /** RADIUS identifier of that request, for the log line `Valid response to challenge issued at id N`. */
  issuedId: number;
  /** Absolute expiry, epoch ms. Past it the record is gone, whatever the backend's TTL does. */
  deadline: number;
  /** The login actor's persisted snapshot (no password in it; see machines/login.ts). */
  snapshot: unknown;
}

export type TakeResult =
  | { status: 'ok'; record: ChallengeRecord }
  | { status: 'unknown' }
  | { status: 'wrong-ip'; record: ChallengeRecord }
  | { status: 'wrong-user'; record: ChallengeRecord };

export interface ChallengeStore {
  /** Stores a new record; rejects if the State already exists (States are unique among live ones). */
  put(record: ChallengeRecord): Promise<void>;
  /** Consumes the record atomically if source IP and User-Name match (exact comparison). A mismatch
   *  does NOT consume it. Two concurrent takes of one State: at most one gets 'ok'. */
  take(state: string, who: { clientIp: string; username: string | undefined }): Promise<TakeResult>;
  close(): Promise<void>;
  readonly kind: string;
}
