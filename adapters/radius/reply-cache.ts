// The duplicate-request cache of reference §5.1 step 7. Key: (source ip, source port, id). A packet whose
// Request Authenticator, User-Name and raw (hidden) User-Password equal the entry's is a retransmission:
// answered -> resend the identical cached bytes; pending -> send nothing; otherwise it is a new request
// and replaces the entry. Answers are kept `ttlMs` (30 s, Duo's CLEANUP_WAIT) after they are sent. A
// request that got no answer (handler drop or error) is remembered just as long, so that the device's
// retransmissions do not start a second login (and a second Duo push).

/** What identifies a retransmission: the Request Authenticator, User-Name and raw User-Password. */
export interface FingerprintParts {
  readonly authenticator: Uint8Array;
  readonly userName: Uint8Array | undefined;
  readonly password: Uint8Array | undefined;
}

/**
 * The parts copied into one small buffer (authenticator, then each optional value as a 2-byte length,
 * 0xffff for absent, and its bytes), so an entry does not keep the whole datagram alive for 30 s.
 */
export type Fingerprint = Buffer;

export function fingerprint(p: FingerprintParts): Fingerprint {
  const size = 16 + 2 + (p.userName?.length ?? 0) + 2 + (p.password?.length ?? 0);
  const out = Buffer.allocUnsafe(size);
  out.set(p.authenticator.subarray(0, 16), 0);
  put(out, 16 + put(out, 16, p.userName), p.password);
  return out;
}

/** One value with its 2-byte length (0xffff: absent); returns the bytes written. */
function put(out: Buffer, off: number, v: Uint8Array | undefined): number {
  out.writeUInt16BE(v === undefined ? 0xffff : v.length, off);
  if (v !== undefined) out.set(v, off + 2);
  return 2 + (v?.length ?? 0);
}

interface Entry {
  readonly fp: Fingerprint;
  state: 'pending' | 'dropped' | Buffer;
  expiresAt: number;
}

export type CacheVerdict =
  | { kind: 'new' }
  | { kind: 'resend'; bytes: Buffer }
  | { kind: 'pending' }
  | { kind: 'dropped' };

// The verdicts without data, one object each rather than one per packet.
const NEW: CacheVerdict = Object.freeze({ kind: 'new' });
const PENDING: CacheVerdict = Object.freeze({ kind: 'pending' });
const DROPPED: CacheVerdict = Object.freeze({ kind: 'dropped' });

/** What `begin` hands back; `complete` takes it so a replaced entry cannot be overwritten late. */
export type CacheToken = object;

export interface ReplyCacheOptions {
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export class ReplyCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttl: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(opts: ReplyCacheOptions = {}) {
    this.#ttl = opts.ttlMs ?? 30_000;
    this.#max = opts.maxEntries ?? 500_000;
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  lookup(key: string, fp: Fingerprint): CacheVerdict {
    const e = this.#entries.get(key);
    if (e === undefined || !e.fp.equals(fp)) return NEW;
    if (e.state === 'pending') return PENDING;
    if (e.expiresAt <= this.#now()) return NEW;
    return e.state === 'dropped' ? DROPPED : { kind: 'resend', bytes: e.state };
  }

  begin(key: string, fp: Fingerprint): CacheToken {
    const e: Entry = { fp, state: 'pending', expiresAt: Number.POSITIVE_INFINITY };
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e;
  }

  /** Records the answer (or `undefined` for none); a no-op when the entry was replaced meanwhile. */
  complete(key: string, token: CacheToken, reply: Buffer | undefined): void {
    const e = this.#entries.get(key);
    if (e !== token || e === undefined) return;
    e.state = reply ?? 'dropped';
    e.expiresAt = this.#now() + this.#ttl;
    // Re-insert so the map stays ordered by expiry for `sweep`.
    this.#entries.delete(key);
    this.#entries.set(key, e);
    if (this.#entries.size > this.#max) this.#evictOldest();
  }

  /** Forgets answered entries past their lifetime (in expiry order; pending ones are skipped). */
  sweep(): void {
    const now = this.#now();
    for (const [key, e] of this.#entries) {
      if (e.state === 'pending') continue;
      if (e.expiresAt > now) break;
      this.#entries.delete(key);
    }
  }

  #evictOldest(): void {
    for (const [key, e] of this.#entries) {
      if (this.#entries.size <= this.#max) return;
      if (e.state !== 'pending') this.#entries.delete(key);
    }
  }
}
