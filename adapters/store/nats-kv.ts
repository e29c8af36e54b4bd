// Challenge sessions in a NATS JetStream KV bucket, shared by every instance (design.md "Scaling
// out"): a challenge issued through one proxy can be answered through another.
// - One bucket whose TTL is the challenge lifetime: Debian's nats-server 2.9.10 ignores per-key TTL
//   (libraries.md finding G), so the bucket's max_age does the purging, and the absolute deadline
//   inside the value decides: an expired entry not yet purged is 'unknown'.
// - Key = the State as base64url: KV keys allow only [-/_=.a-zA-Z0-9], RADIUS State is any bytes.
// - put = create (fails if the key is live); take = get, check, then delete with previousSeq = the
//   revision read: compare-and-delete, so two instances racing on one State cannot both win.
// Transport failures (NATS down, request timeout) reject: the caller drops the request and the device
// retransmits. They are not 'unknown', which would turn an outage into a wrong Access-Reject.
import { jetstream, JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { type KV, type KvEntry, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../log/logger.ts';
import { type ChallengeRecord, type ChallengeStore, mismatch, type TakeResult } from './types.ts';

export interface NatsKvStoreOptions {
  /** Default `authproxy_challenges` (design.md "Contract: bus subjects"). */
  bucket?: string;
  /** The challenge lifetime: the bucket's TTL. Records carry their own deadline as well. */
  lifetimeMs: number;
  /** 1 on a single server; 3 or 5 on a JetStream cluster. */
  replicas?: number;
  /** 'file' (default: survives a nats-server restart) or 'memory'. */
  storage?: 'file' | 'memory';
  /** Per-request timeout of KV calls (default 5000 ms). */
  timeoutMs?: number;
  now?: () => number;
  log?: Logger;
}

export const DEFAULT_CHALLENGE_BUCKET = 'authproxy_challenges';

/** KV key of a State: base64url of its UTF-8 bytes (injective, only [-_a-zA-Z0-9]). */
export function stateKey(state: string): string {
  return Buffer.from(state, 'utf8').toString('base64url');
}

/** The four KV calls the store makes; a seam so tests can interleave them (fc.scheduler). */
export type ChallengeKv = Pick<KV, 'create' | 'get' | 'update' | 'delete'>;

/** Creates (or opens) the bucket, then serves the store from it. */
export async function openNatsKvStore(nc: NatsConnection, opts: NatsKvStoreOptions): Promise<ChallengeStore> {
  const bucket = opts.bucket ?? DEFAULT_CHALLENGE_BUCKET;
  const js = jetstream(nc, { timeout: opts.timeoutMs ?? 5000 });
  const kv = await new Kvm(js).create(bucket, {
    ttl: opts.lifetimeMs,
    history: 1,
    replicas: opts.replicas ?? 1,
    storage: opts.storage === 'memory' ? 'memory' : 'file',
  });
  await ensureTtl(kv, js, bucket, opts.lifetimeMs, opts.log);
  // The bucket's entry count (one stream info request): expired entries not yet purged count until the
  // bucket's TTL removes them.
  return { ...challengeStoreOverKv(kv, opts.now), open: async () => (await kv.status()).values };
}

/** The store's logic over an open bucket. */
export function challengeStoreOverKv(kv: ChallengeKv, now: () => number = Date.now): ChallengeStore {
  let closed = false;

  const live = (e: KvEntry | null): ChallengeRecord | undefined => {
    // A deleted or purged key reads back as a tombstone entry, not as null.
    if (e?.operation !== 'PUT') return undefined;
    try {
      return e.json<ChallengeRecord>();
    } catch {
      return undefined; // not ours (someone wrote into the bucket): never a valid session
    }
  };

  return {
    kind: 'nats-kv',
    async put(record) {
      if (closed) throw new Error('challenge store is closed');
      const key = stateKey(record.state);
      const value = JSON.stringify(record);
      try {
        await kv.create(key, value);
        return;
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
      }
      // The key exists. Only a record past its deadline that the TTL has not purged yet may be
      // replaced, and only by compare-and-swap on the revision we saw.
      const e = await kv.get(key);
      const old = live(e);
      if (e && old && old.deadline <= now()) {
        try {
          await kv.update(key, value, e.revision);
          return;
        } catch (err) {
          if (!isWrongLastSequence(err)) throw err;
        }
      }
      throw new Error('challenge state already exists');
    },

    async take(state, who): Promise<TakeResult> {
      if (closed) throw new Error('challenge store is closed');
      const key = stateKey(state);
      const e = await kv.get(key);
      const r = live(e);
      if (!e || !r || r.state !== state) return { status: 'unknown' };
      if (r.deadline <= now()) {
        // Tidy up early; the bucket TTL would do it anyway. A lost race here changes nothing.
        await kv.delete(key, { previousSeq: e.revision }).catch(() => undefined);
        return { status: 'unknown' };
      }
      const refused = mismatch(r, who);
      if (refused) return { status: refused, record: r };
      try {
        await kv.delete(key, { previousSeq: e.revision });
      } catch (err) {
        // Someone else consumed (or replaced) it between our get and our delete.
        if (isWrongLastSequence(err)) return { status: 'unknown' };
        throw err;
      }
      return { status: 'ok', record: r };
    },

    async close() {
      // The connection belongs to the caller (the bus shares it); nothing else to release.
      closed = true;
    },
  };
}

function isWrongLastSequence(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

/** An existing bucket keeps its old TTL. Shorter than the lifetime would lose live challenges and
 *  none (0) would keep every tombstone forever, so set it; longer is harmless (the deadline in each
 *  value decides) and is left alone. */
async function ensureTtl(kv: KV, js: ReturnType<typeof jetstream>, bucket: string, lifetimeMs: number, log?: Logger): Promise<void> {
  const status = await kv.status();
  if (status.ttl !== 0 && status.ttl >= lifetimeMs) return;
  const jsm = await js.jetstreamManager();
  const info = await jsm.streams.info(status.streamInfo.config.name);
  await jsm.streams.update(info.config.name, { ...info.config, max_age: lifetimeMs * 1_000_000 });
  log?.warn({ event: 'kv_ttl_changed', bucket, fromMs: status.ttl, toMs: lifetimeMs }, 'challenge bucket TTL did not cover the challenge lifetime; set to the lifetime');
}
