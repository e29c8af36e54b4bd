// In-memory challenge sessions: single process, consume-once is trivially atomic (one event loop).
import { type ChallengeRecord, type ChallengeStore, mismatch, type TakeResult } from './types.ts';

export function createMemoryStore(opts: { now?: () => number; sweepMs?: number } = {}): ChallengeStore {
  const now = opts.now ?? Date.now;
  const records = new Map<string, ChallengeRecord>();
  // Expired records are unreachable through take() anyway; the sweep only bounds memory.
  const sweep = setInterval(() => {
    const t = now();
    for (const [k, r] of records) if (r.deadline <= t) records.delete(k);
  }, opts.sweepMs ?? 10_000);
  sweep.unref();
  return {
    kind: 'memory',
    async put(record) {
      const existing = records.get(record.state);
      if (existing && existing.deadline > now()) throw new Error('challenge state already exists');
      records.set(record.state, structuredClone(record));
    },
    async take(state, who): Promise<TakeResult> {
      const r = records.get(state);
      if (!r || r.deadline <= now()) {
        records.delete(state);
        return { status: 'unknown' };
      }
      const refused = mismatch(r, who);
      if (refused) return { status: refused, record: r };
      records.delete(state);
      return { status: 'ok', record: r };
    },
    async open() {
      const t = now();
      let n = 0;
      for (const r of records.values()) if (r.deadline > t) n++;
      return n;
    },
    async close() {
      clearInterval(sweep);
      records.clear();
    },
  };
}
