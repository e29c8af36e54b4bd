// auth_v2: the engine sends `push2`-style factor names (from the `factors` map our preauth built),
// but the Auth API wants a factor and a device id. The client keeps each user's last preauth device
// list for a short while (default: a challenge's 300 s life) to translate, and re-runs preauth when it
// has none. Bounded: the oldest users are forgotten first.
import type { DuoDevice } from './device-prompt.ts';

const MAX_USERS = 10_000;

export interface DeviceCache {
  put(user: string, devices: DuoDevice[]): void;
  get(user: string): DuoDevice[] | undefined;
}

export function createDeviceCache(ttlMs: number, now: () => number): DeviceCache {
  const entries = new Map<string, { devices: DuoDevice[]; at: number }>();
  return {
    put(user, devices) {
      entries.delete(user);
      entries.set(user, { devices, at: now() });
      if (entries.size > MAX_USERS) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    get(user) {
      const e = entries.get(user);
      if (!e) return undefined;
      if (now() - e.at > ttlMs) {
        entries.delete(user);
        return undefined;
      }
      return e.devices;
    },
  };
}

/** The device behind `push2`/`phone2`/`sms2`: the N-th phone of the list (as buildDevicePrompt numbers them). */
export function nthPhone(devices: readonly DuoDevice[], n: number): DuoDevice | undefined {
  return devices.filter((d) => d.type === 'phone')[n - 1];
}
