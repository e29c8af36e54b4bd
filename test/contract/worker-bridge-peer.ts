// A worker thread for worker-bridge.test.ts: a bridged bus and store (the hub and the store live in
// the test's thread) driven by commands on parentPort, each answered with { n, result }.
import { type MessagePort, parentPort, threadId, workerData } from 'node:worker_threads';
import { serveEngine } from '../../adapters/bus/login-rpc.ts';
import { connectWorkerBus } from '../../adapters/bus/worker-bridge.ts';
import type { ChallengeRecord } from '../../adapters/store/types.ts';
import { connectWorkerStore } from '../../adapters/store/worker-bridge.ts';

export type PeerOp =
  | { cmd: 'serve' }
  | { cmd: 'has'; subject: string }
  | { cmd: 'publish'; subject: string; payload: unknown }
  | { cmd: 'put'; record: ChallengeRecord }
  | { cmd: 'take'; state: string; clientIp: string; username: string }
  | { cmd: 'close' };
export type PeerCommand = PeerOp & { n: number };

const { busPort, storePort } = workerData as { busPort: MessagePort; storePort: MessagePort };
const bus = connectWorkerBus(busPort);
const store = connectWorkerStore(storePort);
const port = parentPort!;

port.on('message', (m: PeerCommand) => {
  void (async () => {
    let result: unknown;
    switch (m.cmd) {
      case 'serve':
        // Replies name the thread that answered, so the test sees how the queue group spread them.
        serveEngine(bus, async (r) => ({ kind: 'reply', code: 2, replyMessage: `thread ${threadId} id ${r.identifier}`, attributes: [] }));
        await bus.flush();
        result = threadId;
        break;
      case 'has':
        // flush: the hub pushes pending subscription changes before it answers.
        await bus.flush();
        result = bus.hasSubscribers!(m.subject);
        break;
      case 'publish':
        bus.publish(m.subject, m.payload);
        await bus.flush();
        break;
      case 'put':
        result = await store.put(m.record).then(
          () => 'stored',
          (err: Error) => `rejected: ${err.message}`,
        );
        break;
      case 'take':
        result = await store.take(m.state, { server: 'radius_server_challenge', integration: 'DIAAAAAAAAAAAAAAAAAA', clientIp: m.clientIp, username: m.username });
        break;
      case 'close':
        await store.close();
        await bus.close();
        port.postMessage({ n: m.n, result: 'closed' });
        port.close();
        return;
    }
    port.postMessage({ n: m.n, result });
  })();
});
port.postMessage({ n: 0, result: 'ready' });
