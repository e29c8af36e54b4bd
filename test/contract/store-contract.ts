// One contract for every ChallengeStore implementation: memory.test.ts and the NATS KV tests run it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { ChallengeRecord, ChallengeStore } from '../../adapters/store/types.ts';

export function record(state: string, over: Partial<ChallengeRecord> = {}): ChallengeRecord {
  return { state, server: 'radius_server_challenge', integration: 'DIAAAAAAAAAAAAAAAAAA', username: 'alice', clientIp: '10.0.0.1', issuedId: 3, deadline: Date.now() + 60_000, snapshot: { value: 'waiting', context: { n: 1 } }, ...over };
}

/** The requester that matches record(): same section, integration, client IP and user. */
export const WHO = { server: 'radius_server_challenge', integration: 'DIAAAAAAAAAAAAAAAAAA', clientIp: '10.0.0.1', username: 'alice' } as const;

export function storeContract(name: string, make: () => Promise<ChallengeStore>) {
  describe(`store contract – ${name}`, () => {
    test(`${name} – take consumes once; the second take is unknown`, async () => {
      const s = await make();
      try {
        await s.put(record('S1'));
        const first = await s.take('S1', WHO);
        assert.equal(first.status, 'ok');
        assert.deepEqual(first.status === 'ok' && first.record.snapshot, { value: 'waiting', context: { n: 1 } });
        assert.equal((await s.take('S1', WHO)).status, 'unknown');
      } finally {
        await s.close();
      }
    });

    test(`${name} – a foreign IP or user is refused without consuming`, async () => {
      const s = await make();
      try {
        await s.put(record('S2'));
        assert.equal((await s.take('S2', { ...WHO, clientIp: '10.0.0.9' })).status, 'wrong-ip');
        assert.equal((await s.take('S2', { ...WHO, username: 'ALICE' })).status, 'wrong-user');
        assert.equal((await s.take('S2', { ...WHO, username: undefined })).status, 'wrong-user');
        assert.equal((await s.take('S2', WHO)).status, 'ok');
      } finally {
        await s.close();
      }
    });

    test(`${name} – a State presented to another server section or Duo integration is refused without consuming`, async () => {
      const s = await make();
      try {
        await s.put(record('S5'));
        // issue 15 §1: a State from a section with a weak primary must not open another section.
        assert.equal((await s.take('S5', { ...WHO, server: 'radius_server_auto' })).status, 'wrong-server');
        assert.equal((await s.take('S5', { ...WHO, integration: 'DIBBBBBBBBBBBBBBBBBB' })).status, 'wrong-server');
        assert.equal((await s.take('S5', WHO)).status, 'ok', 'still there for its own section');
      } finally {
        await s.close();
      }
    });

    test(`${name} – an expired record is unknown; a duplicate put is refused`, async () => {
      const s = await make();
      try {
        await s.put(record('S3', { deadline: Date.now() - 1 }));
        assert.equal((await s.take('S3', WHO)).status, 'unknown');
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
            const results = await Promise.all(Array.from({ length: racers }, () => s.take(state, WHO)));
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
