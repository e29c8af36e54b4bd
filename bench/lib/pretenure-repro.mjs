// Minimal reproduction of what made every login's objects survive scavenges (docs/scaling.md "Around
// the actor", engine/collector-tuning.ts): XState actors of a trivial machine, created 16 at a time and
// dropped after one microtask. V8's allocation-site pretenuring tenures a few of XState's per-actor
// literal sites; their objects then die in the old generation and keep the young objects they point to
// alive until a mark-compact, so these get promoted at the next scavenge.
//   node --trace-gc-nvp bench/lib/pretenure-repro.mjs | grep -o ' promoted=[0-9]*' | tail -5    (~2 MB each)
//   node --trace-gc-nvp --no-allocation-site-pretenuring bench/lib/pretenure-repro.mjs | ...    (~0.03 MB)
// Counted: `node bench/lib/pretenure-repro.mjs --count` prints mark-compacts and scavenges (PerformanceObserver).
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { createActor, setup } from 'xstate';

const machine = setup({}).createMachine({ id: 'm', initial: 'a', states: { a: { on: { GO: 'b' } }, b: { type: 'final' } } });
const gcs = { major: 0, minor: 0 };
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = /** @type {{ kind?: number }} */ (e.detail)?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcs.major++;
    else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs.minor++;
  }
});
if (process.argv.includes('--count')) observer.observe({ entryTypes: ['gc'] });
let next = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (next++ < 400_000) {
      createActor(machine);
      await 0;
    }
  }),
);
await new Promise((r) => setTimeout(r, 50));
observer.disconnect();
if (process.argv.includes('--count')) console.log(`mark-compacts ${gcs.major}, scavenges ${gcs.minor}`);
