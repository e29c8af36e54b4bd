// [main] engine_threads = N: the login engine runs in N worker threads instead of on the main thread,
// so one process uses N + 1 cores (docs/scaling.md "Several cores in one process"). The main thread
// keeps the RADIUS listeners, the bus hub and the challenge store; each thread (engine/engine-thread.ts)
// runs startProxy with role 'engine' on a bus and a store bridged to them over MessagePorts — or, with
// nats_url, on its own NATS connection.
import { MessageChannel, Worker } from 'node:worker_threads';
import type { BusHub } from '../adapters/bus/worker-bridge.ts';
import { type Logger, rawDestination } from '../adapters/log/logger.ts';
import { serveStore } from '../adapters/store/worker-bridge.ts';
import type { ChallengeStore } from '../adapters/store/types.ts';
import type { ProxyConfig } from '../config/index.ts';
import type { EngineThreadData, FromThread, ToThread } from './engine-thread-protocol.ts';
import type { AnyLoginEvent } from '../machines/login-events.ts';

export interface EngineThreads {
  readonly count: number;
  /** The threads, in index order (for diagnostics: threadId, resourceLimits). */
  readonly workers: readonly Worker[];
  /** Each thread lets its running logins finish (at most graceMs), closes its bridges and ends. */
  stop(graceMs: number): Promise<void>;
  /** A reload: each thread's engine takes the sections of `config` (engine/proxy.ts reload); resolves
   *  once every thread has said so (or after 5 s: a thread that does not answer is logged). */
  reload(config: ProxyConfig): Promise<void>;
}

export interface EngineThreadsOptions {
  count: number;
  config: ProxyConfig;
  logger: Logger;
  /** The hub and store the threads are bridged to; absent when they share work over NATS. */
  bridge?: { hub: BusHub; store: ChallengeStore };
  /** A thread ended on its own. Default: log at error and exit the process with status 1. Threads are
   *  never restarted: a thread that died took its running logins with it, and a process quietly running
   *  on fewer cores than configured (or none) would be worse than one that stops and is restarted by
   *  its supervisor (systemd, Kubernetes). */
  onDeath?: (index: number) => void;
  /** How long a thread may take to start; default 60 s. */
  startTimeoutMs?: number;
  /** The threads' login events (summaries, primary and Duo calls), for this process's logs and metrics,
   *  with the index of the thread that ran the login. */
  onEvent?: (ev: AnyLoginEvent, thread: number) => void;
}

// Compiled (dist/, this file is .js) the thread starts on the compiled engine-thread.js; from the
// TypeScript sources it starts on ts-worker.js, which registers tsx in the thread first.
const COMPILED = import.meta.url.endsWith('.js');
const ENTRY = COMPILED ? new URL('./engine-thread.js', import.meta.url) : new URL('./ts-worker.js', import.meta.url);
const THREAD_MODULE = new URL('./engine-thread.ts', import.meta.url).href;

interface Running {
  index: number;
  worker: Worker;
  exited: Promise<void>;
  /** The thread said it has stopped: its logins are answered and its log lines written. */
  stopped: Promise<void>;
  detach(): void;
}

export async function startEngineThreads(o: EngineThreadsOptions): Promise<EngineThreads> {
  const { logger } = o;
  let stopping = false;
  const onDeath =
    o.onDeath ??
    (() => {
      logger.flush();
      setTimeout(() => process.exit(1), 50);
    });

  const start = (index: number): { running: Running; ready: Promise<void> } => {
    const detachers: (() => void)[] = [];
    const data: EngineThreadData = { tsModule: THREAD_MODULE, index, config: o.config, logLevel: logger.level };
    const transfer = [];
    if (o.bridge) {
      const bus = new MessageChannel();
      const store = new MessageChannel();
      detachers.push(o.bridge.hub.attach(bus.port1).detach, serveStore(o.bridge.store, store.port1).detach);
      data.busPort = bus.port2;
      data.storePort = store.port2;
      transfer.push(bus.port2, store.port2);
    }
    const worker = new Worker(ENTRY, { workerData: data, transferList: transfer });
    if (o.onEvent) {
      const onEvent = o.onEvent;
      worker.on('message', (m: FromThread) => m.type === 'event' && onEvent(m.event, index));
    }
    // The thread's log lines go where the main thread's go (one writer per log file).
    const sink = rawDestination(logger);
    if (sink) worker.on('message', (m: FromThread) => m.type === 'log' && sink.write(m.line));
    let readyDone = false;
    let lastError: Error | undefined;
    worker.on('error', (err) => (lastError = err));
    const exited = new Promise<void>((resolve) =>
      worker.once('exit', (code) => {
        for (const d of detachers) d();
        // Before ready, the failure is startEngineThreads' rejection instead.
        if (!stopping && readyDone) {
          logger.error(
            { event: 'engine-thread-died', thread: index, exitCode: code, err: lastError ? { message: lastError.message } : undefined },
            `engine thread ${index} ended unexpectedly (exit code ${code}${lastError ? `: ${lastError.message}` : ''}); stopping the process`,
          );
          onDeath(index);
        }
        resolve();
      }),
    );
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`engine thread ${index} did not start within ${o.startTimeoutMs ?? 60_000} ms`)), o.startTimeoutMs ?? 60_000);
      worker.on('message', (m: FromThread) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          readyDone = true;
          resolve();
        } else if (m.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`engine thread ${index}: ${m.message}`));
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`engine thread ${index} ended while starting${lastError ? `: ${lastError.message}` : ''}`));
      });
    });
    const stopped = new Promise<void>((resolve) => worker.on('message', (m: FromThread) => m.type === 'stopped' && resolve()));
    return { running: { index, worker, exited, stopped, detach: () => detachers.forEach((d) => d()) }, ready };
  };

  const threads = Array.from({ length: o.count }, (_, i) => start(i + 1));
  try {
    await Promise.all(threads.map((t) => t.ready));
  } catch (err) {
    stopping = true;
    await Promise.all(threads.map((t) => t.running.worker.terminate()));
    throw err;
  }
  logger.info({ event: 'engine-threads', count: o.count }, `login engines running in ${o.count} worker thread(s)`);

  return {
    count: o.count,
    workers: threads.map((t) => t.running.worker),
    async reload(config) {
      await Promise.all(
        threads.map(({ running: t }) => {
          const acked = new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), 5000);
            const onMessage = (m: FromThread) => {
              if (m.type !== 'reloaded') return;
              clearTimeout(timer);
              t.worker.off('message', onMessage);
              resolve(true);
            };
            t.worker.on('message', onMessage);
          });
          t.worker.postMessage({ type: 'reload', config } satisfies ToThread);
          return acked.then((ok) => {
            if (!ok) logger.warn({ event: 'engine-thread-reload-timeout', thread: t.index }, `engine thread ${t.index} did not confirm the reload within 5 s`);
          });
        }),
      );
    },
    async stop(graceMs) {
      stopping = true;
      await Promise.all(
        threads.map(async ({ running: t }) => {
          t.worker.postMessage({ type: 'stop', graceMs } satisfies ToThread);
          // The thread's own drain is bounded by graceMs; past that (plus its closing), stop it hard.
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), graceMs + 5000)));
          const how = await Promise.race([t.stopped.then(() => 'stopped' as const), t.exited.then(() => 'exited' as const), late]);
          clearTimeout(timer);
          if (how === 'late') logger.warn({ event: 'engine-thread-stop-timeout', thread: t.index }, `engine thread ${t.index} did not stop in time; terminating it`);
          // Once it has stopped, whatever handle might still keep its event loop alive does not matter.
          if (how !== 'exited') await t.worker.terminate();
          t.detach();
        }),
      );
    },
  };
}
