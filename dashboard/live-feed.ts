// From the bus to the dashboard: every login event (authproxy.events.>, so over NATS those of every
// instance) goes into the trace store and the window counts; a timer sends what changed to the pages
// at most every `flushMs`. The bus handler does memory updates only: no I/O, no JSON, nothing that a
// slow page could make slower.
import { Subjects } from '../adapters/bus/subjects.ts';
import type { Bus, Subscription } from '../adapters/bus/types.ts';
import type { SseHub } from './sse.ts';
import { edgesOf, type LoginEvent, statesVia } from './trace-events.ts';
import { summaryOf, type TraceStore } from './trace-store.ts';
import type { WindowCounts } from './window-counts.ts';

/** At most this many changed logins per update (the newest); the page keeps a list of 100 anyway. */
const MAX_PER_UPDATE = 100;

function isLoginEvent(p: unknown): p is LoginEvent {
  const o = p as Partial<LoginEvent> | null;
  return typeof o === 'object' && o !== null && typeof o.loginId === 'string' && typeof o.server === 'string' && typeof o.state === 'string' && typeof o.at === 'string';
}

export interface LiveFeed {
  /** Events received; events that were not login events. */
  stats(): { events: number; ignored: number };
  stop(): void;
}

export function startLiveFeed(o: { bus: Bus; store: TraceStore; counts: WindowCounts; hub: SseHub; flushMs?: number; now?: () => number }): LiveFeed {
  const now = o.now ?? Date.now;
  const dirty = new Set<string>();
  let events = 0;
  let ignored = 0;
  let countsChanged = false;

  const sub: Subscription = o.bus.subscribe(Subjects.allEvents, (payload) => {
    if (!isLoginEvent(payload)) {
      ignored++;
      return;
    }
    events++;
    const isNew = o.store.get(payload.loginId) === undefined;
    const trace = o.store.apply(payload);
    const edges = edgesOf(payload);
    if (edges.length) {
      const states = statesVia(edges);
      // The first state of a login (screening) is entered without an edge into it.
      if (isNew && payload.event === 'xstate.init') states.unshift(edges[0]!.split('>')[0]!);
      o.counts.add(payload.server, states, edges);
      countsChanged = true;
    }
    if (trace) {
      dirty.delete(payload.loginId); // re-insert: newest last
      dirty.add(payload.loginId);
    }
  });

  let ticks = 0;
  const timer = setInterval(() => {
    if (o.hub.size === 0) {
      dirty.clear();
      return;
    }
    // When nothing happens the counts still slide out of the window: resent every 4th tick.
    if (dirty.size === 0 && !countsChanged && ++ticks % 4 !== 0) return;
    const ids = [...dirty].slice(-MAX_PER_UPDATE);
    dirty.clear();
    countsChanged = false;
    const t = now();
    const logins = ids.flatMap((id) => {
      const tr = o.store.get(id);
      return tr ? [summaryOf(tr, t)] : [];
    });
    o.hub.broadcast('update', { logins, counts: o.counts.read(), at: new Date(t).toISOString() });
  }, o.flushMs ?? 500);
  timer.unref();

  return {
    stats: () => ({ events, ignored }),
    stop() {
      clearInterval(timer);
      sub.unsubscribe();
    },
  };
}
