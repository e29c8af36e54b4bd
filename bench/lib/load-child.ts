// A load generator in its own process, driven over IPC, so that the process under test pays none of
// its CPU. Each message { id, run: runLoad options minus functions, user, password } is answered with
// { id, result }.
import { pap, runLoad } from '../../simulator/load.ts';

interface RunMessage {
  id: number;
  port: number;
  secret: string;
  concurrency: number;
  total: number;
  user: string;
  password: string;
  timeoutMs?: number;
  sockets?: number;
}

process.on('message', (m: RunMessage) => {
  void runLoad({
    target: { host: '127.0.0.1', port: m.port },
    secret: m.secret,
    concurrency: m.concurrency,
    count: m.total,
    attributes: () => pap(m.user, m.password),
    ...(m.timeoutMs !== undefined ? { timeoutMs: m.timeoutMs } : {}),
    ...(m.sockets !== undefined ? { sockets: m.sockets } : {}),
  }).then((result) => process.send?.({ id: m.id, result }));
});
process.send?.({ ready: true });
