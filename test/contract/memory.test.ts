import { createMemoryBus } from '../../adapters/bus/memory.ts';
import type { Bus } from '../../adapters/bus/types.ts';
import { createMemoryStore } from '../../adapters/store/memory.ts';
import { busContract } from './bus-contract.ts';
import { storeContract } from './store-contract.ts';

// In process, "several instances" share one bus object.
let shared: Bus | undefined;
busContract(
  'memory',
  async () => {
    shared = createMemoryBus();
    return [shared, shared, shared];
  },
  async () => {
    await shared?.close();
  },
);
storeContract('memory', async () => createMemoryStore());
