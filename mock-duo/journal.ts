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

export function redactParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'passcode' || k === 'password') out[k] = REDACTED;
    else if (k === 'auto') out[k] = FACTOR_NAME.test(v) ? v : REDACTED;
    else out[k] = v;
  }
  return out;
}

type Listener = (entry: JournalEntry) => void;

export class Journal {
  #entries: JournalEntry[] = [];
  #seq = 0;
  #listeners = new Set<Listener>();
  readonly limit: number;

  constructor(limit = 10_000) {
    this.limit = limit;
  }

  add(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const full = { seq: ++this.#seq, ...entry, params: redactParams(entry.params) };
    this.#entries.push(full);
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
    for (const l of this.#listeners) l(full);
    return full;
  }

  entries(filter?: Partial<Pick<JournalEntry, 'path' | 'user' | 'ikey' | 'api'>>): JournalEntry[] {
    if (!filter) return [...this.#entries];
    return this.#entries.filter((e) => Object.entries(filter).every(([k, v]) => v === undefined || e[k as keyof JournalEntry] === v));
  }

  clear(): void {
    this.#entries = [];
  }

  /** Called for each new entry; returns an unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the first entry (already present or future) that satisfies `predicate`. */
  waitFor(predicate: (e: JournalEntry) => boolean, signal?: AbortSignal): Promise<JournalEntry | undefined> {
    const found = this.#entries.find(predicate);
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
