// The mock Duo cloud, in process: Duo's proxy API (/rest/v1) and the Auth API v2 over one state built
// from a fixture, plus faults, a journal and a control API, all behind one `handle` (core.ts, built by
// mock.ts). Use the msw handlers (thin wrappers over it) with msw's setupServer in tests, or server.ts
// for a real HTTPS server that calls `handle` directly (and never loads msw).
import type { RequestHandler } from 'msw';
import { createMockCore, type MockCore, type MockDuoOptions } from './mock.ts';
import { mswHandlers } from './msw-handlers.ts';

export { createMockCore, type MockCore, type MockDuoOptions } from './mock.ts';

export interface MockDuo extends MockCore {
  /** msw handlers over `handle`: /rest/v1/*, /auth/v2/* and /_mock/*. */
  handlers: RequestHandler[];
}

export function createMockDuo(opts: MockDuoOptions): MockDuo {
  // Added to the core object itself: its `state` getter stays live (a spread would copy it once).
  const mock = createMockCore(opts) as MockCore & { handlers?: RequestHandler[] };
  mock.handlers = mswHandlers(mock.handle);
  return mock as MockDuo;
}

export type { Clock, ManualClock } from './clock.ts';
export type { Handle } from './core.ts';
export type { CoreRequest, CoreResponse } from './exchange.ts';
export { manualClock, systemClock } from './clock.ts';
export type { Fixture, FixtureInput } from './fixture.ts';
export { loadFixtureFile, parseFixture } from './fixture.ts';
export type { JournalEntry } from './journal.ts';
