// BlastRADIUS auto-learn across restarts (issue 15 §8). With require_message_authenticator = auto, a
// client that has once sent a valid Message-Authenticator must always send one (design.md). Kept only in
// memory, that fact was lost at every restart: an attacker able to race a restart had one window to
// forge a reply-less request. The learnt addresses are kept in a small JSON file ([main] ma_state_file),
// read once at start and rewritten atomically (temporary file, then rename) when one is learnt.
//
// A file that cannot be written is one warning (learning goes on in memory); a file that cannot be read
// or parsed is one warning and an empty start (the safe answer to both is require_message_authenticator
// = true on every device that sends Message-Authenticator: docs/deviations.md).
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { Logger } from '../log/logger.ts';

export interface LearnedMaStore {
  /** The addresses learnt before this start. */
  readonly initial: readonly string[];
  /** One more address learnt: saved soon (writes are coalesced). */
  learned(ip: string): void;
  /** Waits for the last write. */
  close(): Promise<void>;
}

/** A spoofed flood cannot learn (learning needs a valid Message-Authenticator, so the shared secret);
 *  this only bounds a file someone else wrote. */
const MAX_CLIENTS = 100_000;

export function encodeLearnedMa(ips: Iterable<string>): string {
  return `${JSON.stringify({ version: 1, clients: [...ips].sort() }, null, 1)}\n`;
}

/** The addresses of a state file's text; anything that is not one is left out, never thrown. */
export function decodeLearnedMa(text: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  const clients = (data as { version?: unknown; clients?: unknown } | null)?.clients;
  if ((data as { version?: unknown } | null)?.version !== 1 || !Array.isArray(clients)) return [];
  return clients.filter((c): c is string => typeof c === 'string' && isIP(c) !== 0).slice(0, MAX_CLIENTS);
}

export function openLearnedMaFile(path: string, logger: Logger): LearnedMaStore {
  const known = new Set<string>(readInitial(path, logger));
  const initial = [...known];
  let writing: Promise<void> | undefined;
  let dirty = false;
  let warned = false;

  const save = async (): Promise<void> => {
    while (dirty) {
      dirty = false;
      const tmp = `${path}.${process.pid}.tmp`;
      try {
        await writeFile(tmp, encodeLearnedMa(known), { mode: 0o600 });
        await rename(tmp, path);
      } catch (err) {
        if (!warned) {
          warned = true;
          logger.warn(
            { event: 'ma_state_unwritable', file: path, err: (err as Error).message },
            `cannot write ${path}: clients that sent Message-Authenticator are required to send it only until the next restart; set [main] ma_state_file to a writable path, or require_message_authenticator = true`,
          );
        }
      }
    }
  };

  return {
    initial,
    learned(ip) {
      if (known.has(ip) || known.size >= MAX_CLIENTS) return;
      known.add(ip);
      dirty = true;
      writing ??= save().finally(() => (writing = undefined));
    },
    async close() {
      while (writing) await writing;
    },
  };
}

function readInitial(path: string, logger: Logger): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      logger.warn({ event: 'ma_state_unreadable', file: path, err: (err as Error).message }, `cannot read ${path}; starting with no learnt Message-Authenticator clients`);
    return [];
  }
  const ips = decodeLearnedMa(text);
  if (ips.length === 0 && text.trim() !== '' && !/"clients"\s*:\s*\[\s*\]/.test(text))
    logger.warn({ event: 'ma_state_unreadable', file: path }, `${path} is not an authproxy state file; starting with no learnt Message-Authenticator clients`);
  return ips;
}
