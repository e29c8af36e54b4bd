// The mock Duo cloud, in process: msw handlers for Duo's proxy API (/rest/v1) and the Auth API v2 over
// one state built from a fixture, plus faults, a journal and a control API. Use the handlers with
// msw's setupServer in tests, or through server.ts as a real HTTPS server.
import type { RequestHandler } from 'msw';
import { type Clock, systemClock } from './clock.ts';
import { createControl, type MockControl } from './control.ts';
import { FaultStore } from './faults.ts';
import { type Fixture, type FixtureInput, fixtureSchema, validate } from './fixture.ts';
import { authV2Handlers } from './handlers/auth-v2.ts';
import { controlHandlers } from './handlers/control.ts';
import { restV1Handlers } from './handlers/rest-v1.ts';
import { Journal } from './journal.ts';
import type { MockContext } from './pipeline.ts';
import { buildState, type MockState } from './state.ts';

export interface MockDuoOptions {
  /** A parsed fixture, or a literal in fixture shape (validated; defaults filled in). */
  fixture: Fixture | FixtureInput;
  /** Default: the system clock. Tests pass manualClock() for virtual time. */
  clock?: Clock;
}

export interface MockDuo {
  /** Every handler: /rest/v1/*, /auth/v2/* and /_mock/*. */
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
  const ctx: MockContext = { state: buildState(fixture, clock.now()), clock, faults: new FaultStore(fixture.faults), journal: new Journal() };
  const control = createControl(ctx);
  // Duo paths first (the hot ones); /_mock/* never matches their patterns, so order is only speed.
  const handlers = [...restV1Handlers(ctx), ...authV2Handlers(ctx), ...controlHandlers(ctx, control)];
  return {
    handlers,
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
export { manualClock, systemClock } from './clock.ts';
export type { Fixture, FixtureInput } from './fixture.ts';
export { loadFixtureFile, parseFixture } from './fixture.ts';
export type { JournalEntry } from './journal.ts';
