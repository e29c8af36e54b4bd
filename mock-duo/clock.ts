// The mock Duo's sense of time, injected so that a 60 s push timeout takes milliseconds in tests.
// Everything in the mock that waits or compares times (push answers, long-polls, the signature date
// window, /ping) goes through one Clock.

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

interface Sleeper {
  until: number;
  seq: number;
  wake: () => void;
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

/** A clock that only moves when told (`advance`) or, with `auto`, whenever all work is waiting. */
export function manualClock(opts: ManualClockOptions = {}): ManualClock {
  let current = opts.start ?? Date.now();
  let seq = 0;
  const sleepers: Sleeper[] = [];
  const watchers: { count: number; resolve: () => void }[] = [];
  let autoScheduled = false;

  const notifyWatchers = () => {
    for (let i = watchers.length - 1; i >= 0; i--) {
      const w = watchers[i]!;
      if (sleepers.length >= w.count) {
        watchers.splice(i, 1);
        w.resolve();
      }
    }
  };

  const wakeDue = () => {
    sleepers.sort((a, b) => a.until - b.until || a.seq - b.seq);
    while (sleepers.length > 0 && sleepers[0]!.until <= current) sleepers.shift()!.wake();
  };

  const scheduleAuto = () => {
    if (!opts.auto || autoScheduled) return;
    autoScheduled = true;
    // Let everything that can run now run first, so sleepers started together wake in order.
    setImmediate(() => {
      autoScheduled = false;
      if (sleepers.length === 0) return;
      sleepers.sort((a, b) => a.until - b.until || a.seq - b.seq);
      current = Math.max(current, sleepers[0]!.until);
      wakeDue();
      if (sleepers.length > 0) scheduleAuto();
    });
  };

  const clock: ManualClock = {
    now: () => current,
    sleep(ms, signal) {
      return abortable(signal, (done) => {
        const sleeper: Sleeper = { until: current + Math.max(0, ms), seq: seq++, wake: done };
        if (sleeper.until <= current) {
          queueMicrotask(done);
          return () => {};
        }
        sleepers.push(sleeper);
        notifyWatchers();
        scheduleAuto();
        return () => {
          const i = sleepers.indexOf(sleeper);
          if (i >= 0) sleepers.splice(i, 1);
        };
      });
    },
    async advanceTo(time) {
      // Step from deadline to deadline so code woken early can schedule more work before later ones.
      while (true) {
        sleepers.sort((a, b) => a.until - b.until || a.seq - b.seq);
        const next = sleepers[0];
        if (next === undefined || next.until > time) break;
        current = Math.max(current, next.until);
        wakeDue();
        await new Promise((r) => setImmediate(r));
      }
      current = Math.max(current, time);
    },
    advance(ms) {
      return clock.advanceTo(current + ms);
    },
    pending: () => sleepers.length,
    whenSleeping(count = 1) {
      if (sleepers.length >= count) return Promise.resolve();
      return new Promise((resolve) => watchers.push({ count, resolve }));
    },
  };
  return clock;
}
