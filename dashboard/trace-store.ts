// The dashboard's memory of logins: every login in flight, and the last `maxFinished` finished ones for
// at most `maxAgeMs`. Fed by bus events (O(1) per event, no I/O); read by the API and the live stream.
// Bound: (maxFinished + maxInFlight) traces, each capped by TRACE_LIMITS (docs/dashboard.md).
import { applyEvent, type LoginEvent, newTrace } from './trace-events.ts';
import { isOpen, type LoginSummary, type LoginTrace, type Outcome } from './trace-types.ts';

export interface TraceStoreOptions {
  maxFinished: number;
  maxAgeMs: number;
  /** Logins in flight tracked at once; beyond it new logins are counted, not traced (a flood cannot grow memory). */
  maxInFlight?: number;
  now?: () => number;
}

export interface LoginQuery {
  user?: string;
  clientIp?: string;
  server?: string;
  outcome?: Outcome;
  limit?: number;
}

export class TraceStore {
  /** Map order is insertion order: the oldest login first. */
  private readonly traces = new Map<string, LoginTrace>();
  /** Finished logins, oldest first, with the time they finished (for the age bound). */
  private readonly finished = new Map<string, number>();
  private readonly maxInFlight: number;
  private readonly now: () => number;
  /** Logins not traced because maxInFlight was reached. */
  untracked = 0;

  constructor(private readonly o: TraceStoreOptions) {
    this.maxInFlight = o.maxInFlight ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  /** Adds one event; returns the login's trace (undefined when it is not traced). */
  apply(ev: LoginEvent): LoginTrace | undefined {
    let trace = this.traces.get(ev.loginId);
    if (!trace) {
      if (this.traces.size - this.finished.size >= this.maxInFlight) {
        this.untracked++;
        return undefined;
      }
      trace = newTrace(ev);
      this.traces.set(ev.loginId, trace);
    }
    const wasFinished = this.finished.has(ev.loginId);
    applyEvent(trace, ev);
    if (!isOpen(trace.outcome) && !wasFinished) {
      this.finished.set(ev.loginId, this.now());
      this.prune();
    } else if (isOpen(trace.outcome) && wasFinished) {
      // Events of one login from several engines may arrive out of order: be exact.
      this.finished.delete(ev.loginId);
    }
    return trace;
  }

  /** Drops finished traces beyond the count and age bounds, oldest first. */
  prune(): void {
    const oldest = this.now() - this.o.maxAgeMs;
    for (const [id, at] of this.finished) {
      if (this.finished.size <= this.o.maxFinished && at >= oldest) break;
      this.finished.delete(id);
      this.traces.delete(id);
    }
  }

  get(loginId: string): LoginTrace | undefined {
    return this.traces.get(loginId);
  }

  /** Newest first. `user` and `clientIp` match exactly (case-insensitive user), as an admin types them. */
  list(q: LoginQuery = {}): LoginSummary[] {
    this.prune();
    const out: LoginSummary[] = [];
    const limit = q.limit ?? 100;
    const user = q.user?.toLowerCase();
    const all = [...this.traces.values()];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const t = all[i]!;
      if (user !== undefined && t.user?.toLowerCase() !== user) continue;
      if (q.clientIp !== undefined && t.clientIp !== q.clientIp) continue;
      if (q.server !== undefined && t.server !== q.server) continue;
      if (q.outcome !== undefined && t.outcome !== q.outcome) continue;
      out.push(summaryOf(t, this.now()));
    }
    return out;
  }

  get size(): { traced: number; finished: number } {
    return { traced: this.traces.size, finished: this.finished.size };
  }
}

/** The list view of a trace; an open login's `ms` runs on. */
export function summaryOf(t: LoginTrace, now: number): LoginSummary {
  return {
    loginId: t.loginId,
    user: t.user,
    server: t.server,
    clientIp: t.clientIp,
    state: t.state,
    outcome: t.outcome,
    reason: t.reason,
    startedAt: t.startedAt,
    ms: isOpen(t.outcome) ? Math.max(0, now - Date.parse(t.startedAt)) : t.ms,
    stateSince: t.stateSince,
  };
}
