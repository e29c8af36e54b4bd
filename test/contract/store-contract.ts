// One contract for every ChallengeStore implementation: memory.test.ts and the NATS KV tests run it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { ChallengeRecord, ChallengeStore } from '../../adapters/store/types.ts';

export function record(state: string, over: Partial<ChallengeRecord> = {}): ChallengeRecord {
  return { state, server: 'radius_server_challenge', username: 'alice', clientIp: '10.0.0.1', issuedId: 3, deadline: Date.now() + 60_000, snapshot: { value: 'waiting', context: { n: 1 } }, ...over };
}

export function storeContract(name: string, make: () => Promise<ChallengeStore>) {
  describe(`store contract – ${name}`, () => {
    test(`${name} – take consumes once; the second take is unknown`, async () => {
      const s = await make();
      try {
        await s.put(record('S1'));
        const first = await s.take('S1', { clientIp: '10.0.0.1', username: 'alice' });
        assert.equal(first.status, 'ok');
        assert.deepEqual(first.status === 'ok' && first.record.snapshot, { value: 'waiting', context: { n: 1 } });
        assert.equal((await s.take('S1', { clientIp: '10.0.0.1', username: 'alice' })).status, 'unknown');
      } finally {
        await s.close();
      }
    });

    test(`${name} – a foreign IP or user is refused without consuming`, async () => {
      const s = await make();
      try {
        await s.put(record('S2'));
        assert.equal((await s.take('S2', { clientIp: '10.0.0.9', username: 'alice' })).status, 'wrong-ip');
        assert.equal((await s.take('S2', { clientIp: '10.0.0.1', username: 'ALICE' })).status, 'wrong-user');
        assert.equal((await s.take('S2', { clientIp: '10.0.0.1', username: undefined })).status, 'wrong-user');
        assert.equal((await s.take('S2', { clientIp: '10.0.0.1', username: 'alice' })).status, 'ok');
      } finally {
        await s.close();
      }
    });

    test(`${name} – an expired record is unknown; a duplicate put is refused`, async () => {
      const s = await make();
      try {
        await s.put(record('S3', { deadline: Date.now() - 1 }));
        assert.equal((await s.take('S3', { clientIp: '10.0.0.1', username: 'alice' })).status, 'unknown');
        await s.put(record('S4'));
        await assert.rejects(s.put(record('S4')));
      } finally {
        await s.close();
      }
    });

    test(`${name} – concurrent takes of one State: exactly one wins`, async () => {
      const s = await make();
      try {
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 2, max: 20 }), fc.nat(), async (racers, seed) => {
            const state = `race${seed}x${racers}`;
            await s.put(record(state));
            const results = await Promise.all(Array.from({ length: racers }, () => s.take(state, { clientIp: '10.0.0.1', username: 'alice' })));
            assert.equal(results.filter((r) => r.status === 'ok').length, 1);
            assert.ok(results.every((r) => r.status === 'ok' || r.status === 'unknown'));
          }),
          { numRuns: 15 },
        );
      } finally {
        await s.close();
      }
    });
  });
}
