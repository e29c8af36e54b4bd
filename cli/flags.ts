// Values of command-line flags, checked before anything starts: a bad value is a usage error (exit 2,
// like every commander usage error, cli/main.ts), never a NaN that silently means "no grace".
// And where `start`, `check-config` and `connectivity` look for authproxy.cfg without -c.
import { existsSync } from 'node:fs';
import { InvalidArgumentError } from '@commander-js/extra-typings';

/** `--grace 10`, `--grace 2.5`: seconds, a plain non-negative decimal number (no units, no sign). */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n) || n > 86_400)
    throw new InvalidArgumentError('must be a number of seconds from 0 to 86400, e.g. 10 or 2.5');
  return n;
}

/** Without -c: Duo's proxy installs keep their file in one place per host; ours is
 *  /etc/authproxy/authproxy.cfg (packaging/authproxy.service), then ./authproxy.cfg for a checkout. */
export const DEFAULT_CONFIG_PATHS = ['/etc/authproxy/authproxy.cfg', 'authproxy.cfg'] as const;

export type ConfigChoice = { ok: true; path: string } | { ok: false; message: string };

/** The config file to read: the one given with -c (checked later, with the other config problems), else
 *  the first default that exists. */
export function chooseConfig(given: string | undefined, exists: (path: string) => boolean = existsSync): ConfigChoice {
  if (given !== undefined) return { ok: true, path: given };
  const found = DEFAULT_CONFIG_PATHS.find((p) => exists(p));
  if (found) return { ok: true, path: found };
  return { ok: false, message: `no configuration file given and none found at ${DEFAULT_CONFIG_PATHS.map((p) => (p.startsWith('/') ? p : `./${p}`)).join(' or ')}; give one with -c FILE` };
}
