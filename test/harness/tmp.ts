// Temporary directories for private server instances. Each one is registered with the cleanup
// registry, so it is removed even when a test forgets stop() or the test process exits early.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetDir, trackDir } from './process.ts';

/** Creates a fresh directory under os.tmpdir(), e.g. `/tmp/authproxy-radiusd-AbC123`. */
export async function makeTempDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `authproxy-${name}-`));
  trackDir(dir);
  return dir;
}

/** Removes a directory made by makeTempDir (idempotent). */
export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  forgetDir(dir);
}
