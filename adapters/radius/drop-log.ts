// Rate-limited logging of dropped packets (BlastRADIUS: discards are logged, but a flood must not flood
// the log). Two bounds:
// - per (reason, client ip): at most one line per interval; the next line says how many were
//   suppressed since the previous one;
// - globally (issue 15 §5: 20,000 spoofed sources wrote 20,000 lines, 5 MB): at most
//   maxLinesPerInterval lines per interval, whatever the sources. An interval in which some drops were
//   not logged one by one ends with one radius_drop_summary line: the drops of that interval by reason.
// Intervals are aligned on multiples of intervalMs; the summary is written at the first drop of a later
// interval, by a timer once the interval is over (so a flood that stops is still summarised), or on close.
import type { Logger } from '../log/logger.ts';

export interface DropLog {
  drop(reason: string, ip: string, port: number, message: string): void;
  /** Writes the pending summary, if any, and stops the timer. */
  close(): void;
}

/** Default global cap of radius_drop lines per interval. */
export const DROP_LINES_PER_INTERVAL = 100;
const MAX_KEYS = 10_000;

export function createDropLog(logger: Logger, intervalMs: number, now: () => number = Date.now, opts: { maxLinesPerInterval?: number } = {}): DropLog {
  const cap = opts.maxLinesPerInterval ?? DROP_LINES_PER_INTERVAL;
  const seen = new Map<string, { last: number; suppressed: number }>();
  let window: { start: number; logged: number; notLogged: number; dropped: Record<string, number> } | undefined;
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (window && window.notLogged > 0) {
      const { start, logged, notLogged, dropped } = window;
      const total = logged + notLogged;
      const byReason = Object.entries(dropped)
        .map(([r, n]) => `${r} ${n}`)
        .join(', ');
      logger.warn(
        { event: 'radius_drop_summary', since: new Date(start).toISOString(), intervalMs, dropped, logged, notLogged },
        `${total} packets dropped in ${intervalMs / 1000} s (${byReason}); ${notLogged} not logged one by one`,
      );
    }
    window = undefined;
  };
  const schedule = () => {
    clearTimeout(timer);
    // Real time, a little after the interval's end: the summary of a flood that stopped.
    timer = setTimeout(flush, Math.max(window!.start + intervalMs - now(), 0) + 50);
    timer.unref();
  };

  return {
    drop(reason, ip, port, message) {
      const t = now();
      const start = t - (t % intervalMs);
      if (window && window.start !== start) flush();
      if (!window) {
        window = { start, logged: 0, notLogged: 0, dropped: {} };
        schedule();
      }
      window.dropped[reason] = (window.dropped[reason] ?? 0) + 1;

      const key = `${reason}|${ip}`;
      const s = seen.get(key);
      if ((s !== undefined && t - s.last < intervalMs) || window.logged >= cap) {
        if (s !== undefined) s.suppressed++;
        window.notLogged++;
        return;
      }
      // A spoofed-source flood could make the table grow without end: start over when it is large.
      if (s === undefined && seen.size >= MAX_KEYS) seen.clear();
      const suppressed = s?.suppressed ?? 0;
      seen.set(key, { last: t, suppressed: 0 });
      window.logged++;
      logger.warn(
        { event: 'radius_drop', reason, client: ip, port, suppressed },
        suppressed > 0 ? `${message} (${suppressed} similar suppressed)` : message,
      );
    },
    close() {
      clearTimeout(timer);
      flush();
    },
  };
}
