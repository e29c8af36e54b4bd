// Small helpers that build CheckResults, so every check reports its duration the same way.
import { type CheckResult, CheckStatus } from './types.ts';

export type Outcome = Omit<CheckResult, 'check' | 'target' | 'durationMs'>;

/** Runs one check and stamps it with its name, target and how long it took. */
export async function timed(check: string, target: string | undefined, run: () => Promise<Outcome>): Promise<CheckResult> {
  const started = performance.now();
  const outcome = await run();
  return {
    check,
    ...(target !== undefined ? { target } : {}),
    ...outcome,
    durationMs: Math.round(performance.now() - started),
  };
}

export function ok(message: string, extra: Partial<Outcome> = {}): Outcome {
  return { status: CheckStatus.Ok, message, ...extra };
}

export function fail(message: string, extra: Partial<Outcome> = {}): Outcome {
  return { status: CheckStatus.Fail, message, ...extra };
}

export function skip(check: string, target: string | undefined, message: string): CheckResult {
  return { check, ...(target !== undefined ? { target } : {}), status: CheckStatus.Skip, message, durationMs: 0 };
}
