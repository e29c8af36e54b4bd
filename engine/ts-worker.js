// Entry of every worker thread (engine/engine-threads.ts, and tests): the sources are TypeScript run
// through tsx, whose loader the main thread registered for itself only (bin/authproxy.js), so each
// thread registers it again before importing the module named in workerData.tsModule.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.tsModule);
