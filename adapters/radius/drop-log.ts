// Rate-limited logging of dropped packets (BlastRADIUS: discards are logged, but a flood must not flood
// the log). At most one line per (reason, client ip) per interval; the next line says how many were
// suppressed since the previous one.
import type { Logger } from '../log/logger.ts';

export interface DropLog {
  drop(reason: string, ip: string, port: number, message: string): void;
}

const MAX_KEYS = 10_000;

export function createDropLog(logger: Logger, intervalMs: number, now: () => number = Date.now): DropLog {
  const seen = new Map<string, { last: number; suppressed: number }>();
  return {
    drop(reason, ip, port, message) {
      const key = `${reason}|${ip}`;
      const t = now();
      const s = seen.get(key);
      if (s !== undefined && t - s.last < intervalMs) {
        s.suppressed++;
        return;
      }
      // A spoofed-source flood could make the table grow without end: start over when it is large.
      if (s === undefined && seen.size >= MAX_KEYS) seen.clear();
      const suppressed = s?.suppressed ?? 0;
      seen.set(key, { last: t, suppressed: 0 });
      logger.warn(
        { event: 'radius_drop', reason, client: ip, port, suppressed },
        suppressed > 0 ? `${message} (${suppressed} similar suppressed)` : message,
      );
    },
  };
}
