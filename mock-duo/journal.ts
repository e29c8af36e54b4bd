// Every request the mock Duo saw, for tests to read: what was asked, by which integration, and what
// it answered. Secrets never enter it: passcodes (and `auto=` values that are passcodes) are redacted.

export interface JournalEntry {
  seq: number;
  /** Mock clock time when the request arrived (ms since the epoch). */
  at: number;
  method: string;
  path: string;
  api: 'rest_v1' | 'auth_v2' | 'control' | 'other';
  /** The integration key the request claimed (verified or not; see `status`). */
  ikey?: string;
  user?: string;
  /** Request parameters, secrets redacted. */
  params: Record<string, string>;
  /** HTTP status answered; 0 for a connection reset or a request never answered. */
  status: number;
  /** `response.result` (allow, deny, auth, enroll, waiting) when there is one. */
  result?: string;
  /** Duo's `status` (auth API v2) or status text (/rest/v1). */
  statusText?: string;
  /** Duo error code for a FAIL answer (40103…). */
  code?: number;
  /** Signature version that verified. */
  sigVersion?: number;
  /** Why a request was refused before reaching its endpoint (bad-signature, bad-date…). */
  refused?: string;
  /** Ids of the faults that affected the request. */
  faults?: string[];
  /** Mock clock time taken to answer. */
  durationMs: number;
}

const FACTOR_NAME = /^(auto|push|phone|sms)\d*$/;
export const REDACTED = '[redacted]';

/** `params` with secrets replaced; the same object when there is nothing to hide (no copy per request). */
export function redactParams(params: Record<string, string>): Record<string, string> {
  const auto = params['auto'];
  const secret = params['passcode'] !== undefined || params['password'] !== undefined || (auto !== undefined && !FACTOR_NAME.test(auto));
  if (!secret) return params;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'passcode' || k === 'password') out[k] = REDACTED;
    else if (k === 'auto') out[k] = FACTOR_NAME.test(v) ? v : REDACTED;
    else out[k] = v;
  }
  return out;
}

type Listener = (entry: JournalEntry) => void;

/** The last `limit` entries in a ring: adding one is O(1) whatever the load. */
export class Journal {
  #ring: (JournalEntry | undefined)[];
  /** Index of the oldest entry. */
  #head = 0;
  #count = 0;
  #seq = 0;
  #listeners = new Set<Listener>();
  readonly limit: number;

  constructor(limit = 10_000) {
    this.limit = limit;
    this.#ring = new Array(limit);
  }

  add(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    return this.record({ seq: 0, ...entry });
  }

  /** Add an entry the caller built whole and hands over (its `seq` and `params` are set here). */
  record(entry: JournalEntry): JournalEntry {
    entry.seq = ++this.#seq;
    entry.params = redactParams(entry.params);
    if (this.#count < this.limit) this.#ring[(this.#head + this.#count++) % this.limit] = entry;
    else {
      this.#ring[this.#head] = entry;
      this.#head = (this.#head + 1) % this.limit;
    }
    for (const l of this.#listeners) l(entry);
    return entry;
  }

  entries(filter?: Partial<Pick<JournalEntry, 'path' | 'user' | 'ikey' | 'api'>>): JournalEntry[] {
    const all: JournalEntry[] = [];
    for (let i = 0; i < this.#count; i++) all.push(this.#ring[(this.#head + i) % this.limit]!);
    if (!filter) return all;
    const wanted = Object.entries(filter).filter(([, v]) => v !== undefined);
    return all.filter((e) => wanted.every(([k, v]) => e[k as keyof JournalEntry] === v));
  }

  clear(): void {
    this.#ring = new Array(this.limit);
    this.#head = 0;
    this.#count = 0;
  }

  /** Called for each new entry; returns an unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the first entry (already present or future) that satisfies `predicate`. */
  waitFor(predicate: (e: JournalEntry) => boolean, signal?: AbortSignal): Promise<JournalEntry | undefined> {
    const found = this.entries().find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const stop = this.subscribe((e) => {
        if (!predicate(e)) return;
        stop();
        resolve(e);
      });
      signal?.addEventListener('abort', () => {
        stop();
        resolve(undefined);
      });
    });
  }
}
