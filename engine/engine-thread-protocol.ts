// What the main thread and an engine worker thread say to each other (engine/engine-threads.ts starts
// the threads, engine/engine-thread.ts is their body). A module of its own so that neither side imports
// the other: the thread body imports proxy.ts, which imports engine-threads.ts.
import type { MessagePort } from 'node:worker_threads';
import type { ProxyConfig } from '../config/index.ts';
import type { AnyLoginEvent } from '../machines/login-events.ts';

export interface EngineThreadData {
  tsModule: string;
  /** 1..N, the `thread` field of this thread's log lines. */
  index: number;
  /** The main thread's resolved configuration (after --mock-duo pointed sections at the mock). */
  config: ProxyConfig;
  logLevel: string;
  /** Present unless the threads share work over NATS. */
  busPort?: MessagePort;
  storePort?: MessagePort;
}

/** Main → thread. */
export type ToThread = { type: 'stop'; graceMs: number } | { type: 'reload'; config: ProxyConfig };
/** Thread → main. */
export type FromThread =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'stopped' }
  /** The thread's engine took the sections of a reload. */
  | { type: 'reloaded' }
  /** A login event of this thread's engine (summary, primary or Duo call): the main thread logs it. */
  | { type: 'event'; event: AnyLoginEvent }
  /** One of this thread's log lines: the main thread writes it where its own lines go (files, syslog). */
  | { type: 'log'; line: string };
