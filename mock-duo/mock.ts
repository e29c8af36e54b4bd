// The mock Duo cloud without msw: the state built from a fixture, faults, a journal and the control API
// behind one `handle` (core.ts). server.ts (the HTTPS mock, `--mock-duo`) uses this alone, so a proxy
// started with the bundled mock never loads msw; index.ts adds the msw handlers for tests.
import { type Clock, systemClock } from './clock.ts';
import { createControl, type MockControl } from './control.ts';
import { createCore, type Handle } from './core.ts';
import { FaultStore } from './faults.ts';
import { type Fixture, type FixtureInput, fixtureSchema, validate } from './fixture.ts';
import { Journal } from './journal.ts';
import type { MockContext } from './pipeline.ts';
import { buildState, type MockState } from './state.ts';

export interface MockDuoOptions {
  /** A parsed fixture, or a literal in fixture shape (validated; defaults filled in). */
  fixture: Fixture | FixtureInput;
  /** Default: the system clock. Tests pass manualClock() for virtual time. */
  clock?: Clock;
}

export interface MockCore {
  /** The mock itself: one request in, one answer out (no msw, no Fetch objects). */
  handle: Handle;
  /** The live state (replaced by reset(): read it through this getter each time). */
  readonly state: MockState;
  faults: FaultStore;
  journal: Journal;
  control: MockControl;
  clock: Clock;
  fixture: Fixture;
  reset(): void;
}

export function createMockCore(opts: MockDuoOptions): MockCore {
  const parsed = validate(fixtureSchema, opts.fixture);
  if (!parsed.ok) throw new Error(`invalid mock Duo fixture:\n${parsed.errors.join('\n')}`);
  const fixture = parsed.value;
  const clock = opts.clock ?? systemClock();
  const ctx: MockContext = { state: buildState(fixture, clock.now()), clock, faults: new FaultStore(fixture.faults), journal: new Journal(), inFlight: 0 };
  const control = createControl(ctx);
  const handle = createCore(ctx, control);
  return {
    handle,
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
