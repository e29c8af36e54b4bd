// V8 collector tuning for a process that runs logins (`authproxy start`), applied before any login runs.
//
// V8's allocation-site pretenuring watches, per object/array literal site, how many of its objects
// survive a scavenge; at >= 85 % (with a full semi-space) it allocates that site's objects straight in
// the old generation from then on. A login's XState actor allocates a few such per-actor literals, and
// the logins in flight at a scavenge make them look long-lived: V8 tenured 3 of XState's sites
// (`--trace-pretenuring-statistics`). Their objects then die in the old generation, where a scavenge
// cannot see they are dead, so every young object they point to (the rest of the login: actor,
// snapshots, context) is kept and promoted at the next scavenge, which keeps the sites' survival at
// 100 %: ~1.25 MB promoted per scavenge whatever the concurrency, and a mark-compact every few seconds.
// Without pretenuring (measured, docs/scaling.md "Around the actor"): the actor alone 70 -> 45 µs per
// duo_only login, promoted per scavenge 1.21 -> 0.16 MB, mark-compacts 65 -> 11 per 200 000 logins.
// No behaviour changes: only where V8 allocates. V8 reads the flag at each allocation, so setting it at
// run time works (measured the same as on the command line); flags are per process, so engine threads
// (worker threads) get it too.
import { setFlagsFromString } from 'node:v8';

/** The V8 flag set by tuneCollectorForLogins, for tests and docs. */
export const LOGIN_COLLECTOR_FLAG = '--no-allocation-site-pretenuring';

/** Turns V8's allocation-site pretenuring off for this process (see above). Idempotent. */
export function tuneCollectorForLogins(): void {
  setFlagsFromString(LOGIN_COLLECTOR_FLAG);
}
