// EXPERIMENT, not product code (measured before the machine's timers became entry/exit actions, which
// leaves XState's scheduler unused): loaded with `node --import` (ab-start.ts --b-import), it makes each XState
// actor system keep its delayed-event timers in a Map instead of XState's own bookkeeping, which stores
// each timer as a property named `${sessionId}.${id}` on two objects (timerMap and
// system._snapshot._scheduledEvents): a property name never seen before per actor, a pattern that makes V8
// keep short-lived objects through scavenges and promote them (docs/scaling.md "Around the actor").
// Delays still fire through the system's clock and system._relay as XState's own timers do;
// _scheduledEvents stays empty (the engine persists machine snapshots, which do not carry it).
import { Actor } from 'xstate';

const start = Actor.prototype.start;
Actor.prototype.start = function startWithMapScheduler() {
  const system = this.system;
  if (!system.mapScheduler) {
    system.mapScheduler = true;
    // The system's clock, the one XState's own scheduler uses (tests give a simulated one).
    const clock = system._clock;
    const timers = new Map();
    system.scheduler.schedule = (source, target, event, delay, id = Math.random().toString(36).slice(2)) => {
      const key = `${source.sessionId}.${id}`;
      const timer = clock.setTimeout(() => {
        timers.delete(key);
        system._relay(source, target, event);
      }, delay);
      timers.set(key, { source, timer });
    };
    system.scheduler.cancel = (source, id) => {
      const key = `${source.sessionId}.${id}`;
      const entry = timers.get(key);
      if (!entry) return;
      timers.delete(key);
      clock.clearTimeout(entry.timer);
    };
    system.scheduler.cancelAll = (actorRef) => {
      for (const [key, entry] of timers) {
        if (entry.source !== actorRef) continue;
        timers.delete(key);
        clock.clearTimeout(entry.timer);
      }
    };
  }
  return start.call(this);
};
