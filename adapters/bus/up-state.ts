// Whether a bus can carry messages right now, in a file of its own so that the RADIUS listener can ask
// without loading the NATS client (a process without nats_url never loads it).
import type { Bus } from './types.ts';

const upState = new WeakMap<Bus, () => boolean>();

/** A bus that can be down (NATS) registers how to ask it. */
export function registerUpState(bus: Bus, isUp: () => boolean): void {
  upState.set(bus, isUp);
}

/** Whether a bus can currently carry messages. The in-process bus is always up; a NATS bus is up
 *  while connected. The RADIUS listener drops (and counts) requests while this is false. */
export function busIsUp(bus: Bus): boolean {
  return upState.get(bus)?.() ?? true;
}
