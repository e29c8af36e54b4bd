// One engine worker thread ([main] engine_threads; started by engine/engine-threads.ts, directly
// when compiled, through engine/ts-worker.js from the sources). It runs startProxy with role 'engine' on the same configuration as the main
// thread: without nats_url on a bus and a challenge store bridged to the main thread's (so logins are
// shared by the hub's queue group and a challenge issued here may be answered by any other thread),
// with nats_url on its own NATS connection, as a separate engine process would.
import { parentPort, workerData } from 'node:worker_threads';
import { connectWorkerBus } from '../adapters/bus/worker-bridge.ts';
import type { Bus } from '../adapters/bus/types.ts';
import { createLogger } from '../adapters/log/logger.ts';
import { connectWorkerStore } from '../adapters/store/worker-bridge.ts';
import type { ChallengeStore } from '../adapters/store/types.ts';
import type { ProxyConfig } from '../config/index.ts';
import { type Backplane, connectBackplane } from './backplane.ts';
import type { EngineThreadData, FromThread, ToThread } from './engine-thread-protocol.ts';
import { loadPrimaryFactory } from './primary-loader.ts';
import { startProxy } from './proxy.ts';

const data = workerData as EngineThreadData;
const port = parentPort!;
// Lines go to the main thread, which writes them where its own go (authproxy.log, stdout, syslog).
const logger = createLogger({ level: data.logLevel, destination: { write: (line: string) => port.postMessage({ type: 'log', line } satisfies FromThread) } as never }).child({ thread: data.index });
const send = (m: FromThread) => port.postMessage(m);

try {
  const config = inThisThread(data.config);
  let bus: Bus;
  let store: ChallengeStore;
  let backplane: Backplane | undefined;
  if (data.busPort && data.storePort) {
    bus = connectWorkerBus(data.busPort, { onError: (err, subject) => logger.error({ err, subject }, 'bus handler error') });
    store = connectWorkerStore(data.storePort);
  } else {
    backplane = await connectBackplane(config, logger, { role: 'engine' });
    if (!backplane) throw new Error('engine thread without a bridge needs nats_url');
    ({ bus, store } = backplane);
  }
  const primaryFactory = await loadPrimaryFactory(config);
  // The main thread logs the debug transition lines (it hears every thread's events); doing it here too
  // would print each one once per thread. Its login events go to the main thread, which logs them (one
  // writer per log file) and counts them.
  const proxy = await startProxy({
    config,
    logger,
    role: 'engine',
    bus,
    store,
    primaryFactory,
    logTransitions: false,
    logLogins: false,
    onLoginEvent: (event) => send({ type: 'event', event }),
  });
  port.on('message', (m: ToThread) => {
    if (m.type === 'reload') {
      void proxy.reload(inThisThread(m.config)).then(() => send({ type: 'reloaded' }));
      return;
    }
    if (m.type !== 'stop') return;
    void (async () => {
      // Running logins finish (proxy.stop waits for the engine's in-flight count), their answers go out
      // over the bus, and only then the bridges close.
      await proxy.stop(m.graceMs);
      if (backplane) await backplane.close();
      else {
        await bus.flush();
        await store.close();
        await bus.close();
      }
      logger.flush(() => {
        send({ type: 'stopped' });
        port.close();
      });
    })();
  });
  send({ type: 'ready' });
} catch (err) {
  send({ type: 'failed', message: (err as Error).message });
  port.close();
}

/** The configuration as this thread runs it: engine_threads is the main thread's business (at start and
 *  on every reload); here the engine runs in this thread. */
function inThisThread(c: ProxyConfig): ProxyConfig {
  return { ...c, main: { ...c.main, engineThreads: 0 } };
}
