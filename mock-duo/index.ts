// The mock Duo cloud, in process: Duo's proxy API (/rest/v1) and the Auth API v2 over one state built
// from a fixture, plus faults, a journal and a control API, all behind one `handle` (core.ts). Use the
// msw handlers (thin wrappers over it) with msw's setupServer in tests, or server.ts for a real HTTPS
// server that calls `handle` directly.
import type { RequestHandler } from 'msw';
import { type Clock, systemClock } from './clock.ts';
import { createControl, type MockControl } from './control.ts';
import { createCore, type Handle } from './core.ts';
import { FaultStore } from './faults.ts';
import { type Fixture, type FixtureInput, fixtureSchema, validate } from './fixture.ts';
import { Journal } from './journal.ts';
import { mswHandlers } from './msw-handlers.ts';
import type { MockContext } from './pipeline.ts';
import { buildState, type MockState } from './state.ts';

export interface MockDuoOptions {
  /** A parsed fixture, or a literal in fixture shape (validated; defaults filled in). */
  fixture: Fixture | FixtureInput;
  /** Default: the system clock. Tests pass manualClock() for virtual time. */
  clock?: Clock;
}

export interface MockDuo {
  /** The mock itself: one request in, one answer out (no msw, no Fetch objects). */
  handle: Handle;
  /** msw handlers over `handle`: /rest/v1/*, /auth/v2/* and /_mock/*. */
  handlers: RequestHandler[];
  /** The live state (replaced by reset(): read it through this getter each time). */
  readonly state: MockState;
  faults: FaultStore;
  journal: Journal;
  control: MockControl;
  clock: Clock;
  fixture: Fixture;
  reset(): void;
}

export function createMockDuo(opts: MockDuoOptions): MockDuo {
  const parsed = validate(fixtureSchema, opts.fixture);
  if (!parsed.ok) throw new Error(`invalid mock Duo fixture:\n${parsed.errors.join('\n')}`);
  const fixture = parsed.value;
  const clock = opts.clock ?? systemClock();
  const ctx: MockContext = { state: buildState(fixture, clock.now()), clock, faults: new FaultStore(fixture.faults), journal: new Journal(), inFlight: 0 };
  const control = createControl(ctx);
  const handle = createCore(ctx, control);
  return {
    handle,
    handlers: mswHandlers(handle),
    get state() {
      return ctx.state;
    },
    faults: ctx.faults,
    journal: ctx.journal,
    control,
    clock,
    fixture,
    reset: () => control.reset(),
  };
}

export type { Clock, ManualClock } from './clock.ts';
export type { Handle } from './core.ts';
export type { CoreRequest, CoreResponse } from './exchange.ts';
export { manualClock, systemClock } from './clock.ts';
export type { Fixture, FixtureInput } from './fixture.ts';
export { loadFixtureFile, parseFixture } from './fixture.ts';
export type { JournalEntry } from './journal.ts';
