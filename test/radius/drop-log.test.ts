// issue 15 §5: dropped-packet logging is bounded globally, not only per (reason, source IP): 20,000
// spoofed loopback sources in 1.6 s used to write 20,000 radius_drop lines (5 MB). At most
// DROP_LINES_PER_INTERVAL lines per interval, then one summary line with the counts by reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createDropLog, DROP_LINES_PER_INTERVAL } from '../../adapters/radius/drop-log.ts';
import { logSink } from './helpers.ts';

test('radius drop log – 20,000 spoofed sources in one interval: a bounded number of lines, then one summary with the counts', () => {
  let now = 1_000_000;
  const { logger, lines } = logSink();
  const log = createDropLog(logger, 60_000, () => now);
  try {
    for (let i = 0; i < 20_000; i++) {
      const ip = `127.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      log.drop(i % 4 === 0 ? 'ma-invalid' : 'unknown-client', ip, 1812, `dropping packet from ${ip}:1812`);
    }
    const during = lines().filter((l) => l.event === 'radius_drop');
    assert.ok(during.length <= DROP_LINES_PER_INTERVAL, `${during.length} lines in one interval`);
    now += 60_000;
    log.drop('unknown-client', '10.9.9.9', 1812, 'dropping packet from 10.9.9.9:1812');
    const summaries = lines().filter((l) => l.event === 'radius_drop_summary');
    assert.equal(summaries.length, 1);
    assert.deepEqual(summaries[0]!.dropped, { 'ma-invalid': 5000, 'unknown-client': 15_000 });
    assert.equal(summaries[0]!.notLogged, 20_000 - during.length);
  } finally {
    log.close();
  }
});

test('radius drop log – property: per interval at most the cap of lines plus one summary, whose counts are the drops of that interval', () => {
  const drop = fc.record({ reason: fc.constantFrom('unknown-client', 'ma-invalid', 'too-short'), ip: fc.integer({ min: 0, max: 300 }), gapMs: fc.constantFrom(0, 0, 0, 1, 500, 20_000) });
  fc.assert(
    fc.property(fc.array(drop, { maxLength: 600 }), fc.integer({ min: 1, max: 30 }), (drops, cap) => {
      let now = 0;
      const { logger, lines } = logSink();
      const log = createDropLog(logger, 10_000, () => now, { maxLinesPerInterval: cap });
      const perWindow = new Map<number, Record<string, number>>();
      for (const d of drops) {
        now += d.gapMs;
        const w = Math.floor(now / 10_000);
        const counts = perWindow.get(w) ?? {};
        counts[d.reason] = (counts[d.reason] ?? 0) + 1;
        perWindow.set(w, counts);
        log.drop(d.reason, `10.0.${d.ip >> 8}.${d.ip & 255}`, 1812, 'x');
      }
      log.close();
      const out = lines();
      const summaries = out.filter((x) => x.event === 'radius_drop_summary');
      const summarised = new Set<number>();
      let loggedInSummarised = 0;
      for (const s of summaries) {
        const w = Date.parse(String(s.since)) / 10_000;
        summarised.add(w);
        assert.deepEqual(s.dropped, perWindow.get(w), 'the counts are those of its interval');
        assert.ok((s.logged as number) <= cap, 'at most the cap of lines in an interval');
        assert.equal((s.logged as number) + (s.notLogged as number), Object.values(perWindow.get(w)!).reduce((a, b) => a + b, 0));
        loggedInSummarised += s.logged as number;
      }
      // An interval without a summary logged every drop of it, one line each (so never over the cap).
      let rest = 0;
      for (const [w, counts] of perWindow) if (!summarised.has(w)) rest += Object.values(counts).reduce((a, b) => a + b, 0);
      for (const [w, counts] of perWindow) if (!summarised.has(w)) assert.ok(Object.values(counts).reduce((a, b) => a + b, 0) <= cap);
      assert.equal(out.filter((x) => x.event === 'radius_drop').length, loggedInSummarised + rest);
    }),
    { numRuns: 200 },
  );
});
