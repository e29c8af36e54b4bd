// The mock Duo's sense of time, injected so that a 60 s push timeout takes milliseconds in tests.
// Everything in the mock that waits or compares times (push answers, long-polls, the signature date
// window, /ping) goes through one Clock.
import { type HeapItem, MinHeap } from './heap.ts';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function abortable(signal: AbortSignal | undefined, start: (done: () => void) => () => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    let cancel = (): void => {};
    const finish = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      cancel();
      finish();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    cancel = start(finish);
  });
}

/** Wall-clock time. `timeScale` > 1 makes waits shorter (10 = ten times faster), and `now()` runs
 *  faster by the same factor from the moment the clock is made. */
export function systemClock(timeScale = 1): Clock {
  const origin = Date.now();
  return {
    now: () => (timeScale === 1 ? Date.now() : origin + (Date.now() - origin) * timeScale),
    sleep: (ms, signal) =>
      abortable(signal, (done) => {
        const t = setTimeout(done, Math.max(0, ms / timeScale));
        return () => clearTimeout(t);
      }),
  };
}

interface Sleeper extends HeapItem {
  wake: () => void;
  cancelled: boolean;
}

export interface ManualClock extends Clock {
  /** Move time forward, waking every sleeper whose time has come, in order. */
  advance(ms: number): Promise<void>;
  advanceTo(time: number): Promise<void>;
  /** How many sleeps are pending. */
  pending(): number;
  /** Resolves once at least `count` sleeps are pending (to advance without racing the code under test). */
  whenSleeping(count?: number): Promise<void>;
}

export interface ManualClockOptions {
  /** Start time, ms since the epoch (default: the real time now). */
  start?: number;
  /** Jump straight to the next pending deadline whenever someone sleeps: virtual time that never
   *  waits, so a 60 s timeout finishes at once with `now()` 60 s later. */
  auto?: boolean;
}

/** A clock that only moves when told (`advance`) or, with `auto`, whenever all work is waiting.
 *  Sleepers wait in a heap (deadline, then arrival order); a cancelled one is only marked and dropped
 *  when it reaches the top, or in bulk once they are most of the heap, so neither sleeping nor giving
 *  up is O(n). */
export function manualClock(opts: ManualClockOptions = {}): ManualClock {
  let current = opts.start ?? Date.now();
  let seq = 0;
  const sleepers = new MinHeap<Sleeper>();
  let live = 0;
  let cancelled = 0;
  const watchers: { count: number; resolve: () => void }[] = [];
  let autoScheduled = false;

  const notifyWatchers = () => {
    for (let i = watchers.length - 1; i >= 0; i--) {
      const w = watchers[i]!;
      if (live >= w.count) {
        watchers.splice(i, 1);
        w.resolve();
      }
    }
  };

  /** The earliest live sleeper, cancelled ones above it dropped. */
  const next = (): Sleeper | undefined => {
    let top = sleepers.peek();
    while (top?.cancelled) {
      sleepers.pop();
      cancelled--;
      top = sleepers.peek();
    }
    return top;
  };

  const wakeDue = () => {
    for (let top = next(); top !== undefined && top.at <= current; top = next()) {
      sleepers.pop();
      live--;
      top.wake();
    }
  };

  const scheduleAuto = () => {
    if (!opts.auto || autoScheduled) return;
    autoScheduled = true;
    // Let everything that can run now run first, so sleepers started together wake in order.
    setImmediate(() => {
      autoScheduled = false;
      const first = next();
      if (first === undefined) return;
      current = Math.max(current, first.at);
      wakeDue();
      if (live > 0) scheduleAuto();
    });
  };

  const clock: ManualClock = {
    now: () => current,
    sleep(ms, signal) {
      return abortable(signal, (done) => {
        const sleeper: Sleeper = { at: current + Math.max(0, ms), seq: seq++, wake: done, cancelled: false };
        if (sleeper.at <= current) {
          queueMicrotask(done);
          return () => {};
        }
        sleepers.push(sleeper);
        live++;
        notifyWatchers();
        scheduleAuto();
        return () => {
          // Only a sleeper still queued can be cancelled: waking it removes the abort listener first.
          if (sleeper.cancelled) return;
          sleeper.cancelled = true;
          live--;
          cancelled++;
          if (cancelled > 1024 && cancelled > sleepers.size / 2) {
            sleepers.filter((s) => !s.cancelled);
            cancelled = 0;
          }
        };
      });
    },
    async advanceTo(time) {
      // Step from deadline to deadline so code woken early can schedule more work before later ones.
      while (true) {
        const first = next();
        if (first === undefined || first.at > time) break;
        current = Math.max(current, first.at);
        wakeDue();
        await new Promise((r) => setImmediate(r));
      }
      current = Math.max(current, time);
    },
    advance(ms) {
      return clock.advanceTo(current + ms);
    },
    pending: () => live,
    whenSleeping(count = 1) {
      if (live >= count) return Promise.resolve();
      return new Promise((resolve) => watchers.push({ count, resolve }));
    },
  };
  return clock;
}
