// The code issue 14 started from, run side by side with the current code in the same bench run:
// a git worktree of BASELINE_COMMIT under .bench-baseline/ (ignored by git), created on first use and
// kept, whose node_modules is a link to this checkout's (same dependency versions). It runs as it did
// then: `authproxy` through tsx, no build.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** "msw transport takes the minimum exchange time from the real transport…", the last commit before
 *  issue 14's work. */
export const BASELINE_COMMIT = 'db7ab86';
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface Code {
  /** "baseline" or "new". */
  label: string;
  root: string;
  bin: string;
}

/** The current checkout, with its dist/ built (the product runs dist; a stale one is rebuilt first). */
export function currentCode(): Code {
  execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'build.ts')], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return { label: 'new', root: REPO_ROOT, bin: join(REPO_ROOT, 'bin', 'authproxy.js') };
}

/** BENCH_BASELINE_DIR=<a checkout> compares with that checkout instead (e.g. a worktree of main, to
 *  measure one change before and after in the same run); it runs its dist/ when current, as the new code does. */
export function baselineCode(): Code {
  const other = process.env.BENCH_BASELINE_DIR;
  if (other) return { label: 'baseline', root: other, bin: join(other, 'bin', 'authproxy.js') };
  const dir = join(REPO_ROOT, '.bench-baseline', BASELINE_COMMIT);
  if (!existsSync(join(dir, 'bin', 'authproxy.js'))) {
    // A worktree whose directory was deleted by hand is still registered: prune it first.
    execFileSync('git', ['worktree', 'prune'], { cwd: REPO_ROOT });
    execFileSync('git', ['worktree', 'add', '--detach', dir, BASELINE_COMMIT], { cwd: REPO_ROOT, stdio: 'ignore' });
  }
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { label: 'baseline', root: dir, bin: join(dir, 'bin', 'authproxy.js') };
}

/** The machine's 1-minute load average, printed beside every figure (others may share the cores). */
export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
  } catch {
    return '?';
  }
}
