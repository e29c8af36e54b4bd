// A push or phone call as a timeline of statuses (pushed -> allow, calling -> answered -> deny, …),
// fixed when the call starts from the device's behaviour. Time only moves through the injected clock,
// and effects (failure count, lockout) apply lazily when the final status is reached and someone
// looks: no background timers, so virtual time stays deterministic.
import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.ts';
import type { Behaviour } from './fixture.ts';
import { type MockState, type PhoneState, recordFailure, type UserState } from './state.ts';
import type { Outcome, OutcomeStatus, Step, Transaction } from './transaction-types.ts';

export function pushScript(device: PhoneState, start: number, timeoutMs: number): Step[] {
  return script('push', device.push, device, start, timeoutMs);
}

export function phoneScript(device: PhoneState, start: number, timeoutMs: number): Step[] {
  return script('phone', device.phone, device, start, timeoutMs);
}

function script(kind: 'push' | 'phone', behaviour: Behaviour, device: PhoneState, start: number, timeoutMs: number): Step[] {
  const answerAt = start + device.afterMs;
  const timedOut = behaviour === 'timeout' || behaviour === 'push_failed' || device.afterMs >= timeoutMs;
  const end = timedOut ? start + timeoutMs : answerAt;
  const steps: Step[] = [];
  if (kind === 'push') {
    steps.push(
      behaviour === 'push_failed'
        ? { at: start, result: 'waiting', status: 'push_failed', text: 'pushFailed' }
        : { at: start, result: 'waiting', status: 'pushed', text: 'pushed' },
    );
  } else {
    steps.push({ at: start, result: 'waiting', status: 'calling', text: 'calling', vars: { number: device.number } });
    // The call is picked up half-way to the answer (never for a call nobody answers).
    if (behaviour !== 'push_failed' && end > start) steps.push({ at: start + Math.floor((end - start) / 2), result: 'waiting', status: 'answered', text: 'answered' });
  }
  if (timedOut) {
    steps.push(
      kind === 'push'
        ? { at: end, result: 'deny', status: 'timeout', text: 'pushTimeout' }
        : { at: end, result: 'deny', status: 'deny', text: 'noKeypress' },
    );
  } else if (behaviour === 'approve') steps.push({ at: end, result: 'allow', status: 'allow', text: 'success' });
  else if (behaviour === 'fraud') steps.push({ at: end, result: 'deny', status: 'fraud', text: 'fraud' });
  else steps.push({ at: end, result: 'deny', status: 'deny', text: 'pushDenied' });
  return steps;
}

/** How long a finished transaction stays readable through auth_status (mock time). */
const KEEP_FINISHED_MS = 10 * 60_000;

/** Register a transaction: always to settle when its final status comes; `pollable` ones (async
 *  auth, whose txid the client gets) also by txid until ten minutes after they end. A synchronous
 *  auth's txid is never seen by anyone, so it stays out of the map. */
function track(state: MockState, tx: Transaction, pollable: boolean): void {
  const at = finalStep(tx).at;
  if (!tx.settled) state.unsettled.push({ at, seq: state.txSeq++, tx });
  if (!pollable) return;
  state.transactions.set(tx.txid, tx);
  state.expiring.push({ at: at + KEEP_FINISHED_MS, seq: state.txSeq++, tx });
}

export function newTransaction(state: MockState, ikey: string, user: UserState, steps: Step[], pollable = true): Transaction {
  const tx: Transaction = { txid: randomUUID(), ikey, username: user.username, steps, lastSeen: -1, settled: false };
  track(state, tx, pollable);
  return tx;
}

/** A transaction whose answer is known at once (passcode, sms, bypass…), for async=1. */
export function settledTransaction(state: MockState, ikey: string, user: string, outcome: Outcome, now: number): Transaction {
  const tx: Transaction = { txid: randomUUID(), ikey, username: user, steps: [{ at: now, ...outcome }], lastSeen: -1, settled: true };
  track(state, tx, true);
  return tx;
}

export function currentIndex(tx: Transaction, now: number): number {
  let i = 0;
  while (i + 1 < tx.steps.length && tx.steps[i + 1]!.at <= now) i++;
  return i;
}

export function finalStep(tx: Transaction): Step {
  return tx.steps[tx.steps.length - 1]!;
}

/** Apply the effects of every transaction whose final status time has come (in that order), and
 *  forget the polled ones that finished long ago. O(1) when nothing is due. */
export function settleDue(state: MockState, now: number): void {
  for (let due = state.unsettled.peek(); due !== undefined && due.at <= now; due = state.unsettled.peek()) {
    state.unsettled.pop();
    const tx = due.tx;
    if (tx.settled) continue;
    tx.settled = true;
    const user = state.users.get(tx.username);
    if (!user) continue;
    if (finalStep(tx).result === 'allow') user.failures = 0;
    else recordFailure(state, user);
  }
  for (let due = state.expiring.peek(); due !== undefined && due.at < now; due = state.expiring.peek()) {
    state.expiring.pop();
    state.transactions.delete(due.tx.txid);
  }
}

/** Whoever may give up waiting: its `signal` is read only when there is a wait (the standalone server
 *  makes one on first read, so the requests that never wait never pay for one). */
export interface Waiter {
  readonly signal: AbortSignal | undefined;
}

/** Wait (on the mock's clock) until the transaction is final; the outcome, or undefined if aborted. */
export async function waitFinal(state: MockState, clock: Clock, tx: Transaction, waiter?: Waiter): Promise<Outcome | undefined> {
  const last = finalStep(tx);
  const wait = last.at - clock.now();
  if (wait > 0) {
    const signal = waiter?.signal;
    await clock.sleep(wait, signal);
    if (signal?.aborted) return undefined;
  }
  settleDue(state, clock.now());
  return toOutcome(last);
}

function toOutcome(step: Step): Outcome {
  return {
    result: step.result === 'allow' ? 'allow' : 'deny',
    status: step.status as OutcomeStatus,
    text: step.text,
    ...(step.vars ? { vars: step.vars } : {}),
  };
}

/** auth_status long-poll: answer at once if the status changed since the last poll, else wait for
 *  the next change or `longPollMs`, whichever comes first. Undefined when the poller gave up. */
export async function pollStatus(state: MockState, clock: Clock, tx: Transaction, longPollMs: number, waiter?: Waiter): Promise<Step | undefined> {
  let i = currentIndex(tx, clock.now());
  let signal: AbortSignal | undefined;
  if (i <= tx.lastSeen && i + 1 < tx.steps.length) {
    const wait = Math.min(tx.steps[i + 1]!.at - clock.now(), longPollMs);
    if (wait > 0) {
      signal = waiter?.signal;
      await clock.sleep(wait, signal);
    }
    i = currentIndex(tx, clock.now());
  }
  tx.lastSeen = Math.max(tx.lastSeen, i);
  settleDue(state, clock.now());
  return signal?.aborted ? undefined : tx.steps[i]!;
}
