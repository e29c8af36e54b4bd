// The shapes of the mock's transactions (a push or call as a timeline of statuses), apart from the code
// that runs them (transactions.ts), so that the state (state.ts) can hold them without importing that
// code, which itself works on the state.
import type { HeapItem } from './heap.ts';
import type { TextKey } from './texts.ts';

export type OutcomeStatus = 'allow' | 'deny' | 'timeout' | 'fraud' | 'sent' | 'bypass' | 'locked_out';
export type StepStatus = OutcomeStatus | 'pushed' | 'push_failed' | 'calling' | 'answered';

export interface Step {
  at: number;
  result: 'waiting' | 'allow' | 'deny';
  status: StepStatus;
  text: TextKey;
  vars?: Record<string, string>;
}

/** A final answer of /auth (sync) or auth_status. */
export interface Outcome {
  result: 'allow' | 'deny';
  status: OutcomeStatus;
  text: TextKey;
  vars?: Record<string, string>;
}

export interface Transaction {
  txid: string;
  ikey: string;
  username: string;
  steps: Step[];
  /** Index of the last step reported by auth_status (-1: none yet). */
  lastSeen: number;
  settled: boolean;
}

/** A transaction's place in one of the state's heaps. */
export interface TxDue extends HeapItem {
  tx: Transaction;
}
