// Spawning a server process with its output in a log file, waiting for it to be ready, stopping it,
// and a registry that kills every server and removes every temp dir when the test process goes away.
//
// Three layers of cleanup, because a test may fail, throw or be killed:
// 1. stop() (what tests call, e.g. `t.after(() => srv.stop())`);
// 2. the process 'exit', SIGINT and SIGTERM hooks below (a crashed test, Ctrl-C, a runner timeout);
// 3. on Linux the server is started through `setpriv --pdeathsig TERM`, so the kernel terminates it even
//    when the test process is SIGKILLed and no JavaScript runs at all. (The signal follows the thread
//    that spawned it: start servers from the main thread, not from a worker_thread that may end.)
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

export interface ServerProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  running(): boolean;
  /** Sends a signal (e.g. SIGKILL for outage tests) without waiting. */
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Idempotent. */
  stop(graceMs?: number): Promise<ExitInfo>;
  /** The last `lines` lines of the log file. */
  logTail(lines?: number): string;
}

export interface SpawnOptions {
  command: string;
  args: readonly string[];
  /** stdout and stderr are appended to this file. */
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const SETPRIV = '/usr/bin/setpriv';
const usePdeathsig = process.platform === 'linux' && existsSync(SETPRIV);

const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();

/** Starts `command` in the background with its output in `logFile`. */
export function spawnServer(opts: SpawnOptions): ServerProcess {
  installCleanupHooks();
  const logFd = openSync(opts.logFile, 'a');
  const [command, args] = usePdeathsig
    ? [SETPRIV, ['--pdeathsig', 'TERM', '--', opts.command, ...opts.args]]
    : [opts.command, [...opts.args]];
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  // A server must not keep the test process alive: a test that forgets stop() would hang the runner.
  // The 'exit' hook below kills whatever is left.
  child.unref();
  liveChildren.add(child);
  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      liveChildren.delete(child);
      resolve(exitInfo);
    });
    // A spawn failure (ENOENT, EACCES) emits 'error' and no 'exit'.
    child.once('error', (error) => {
      if (exitInfo) return;
      exitInfo = { code: null, signal: null };
      liveChildren.delete(child);
      appendNote(opts.logFile, `spawn failed: ${error.message}`);
      resolve(exitInfo);
    });
  });
  let stopping: Promise<ExitInfo> | undefined;
  const running = () => exitInfo === undefined;
  const signal = (sig: NodeJS.Signals) => {
    if (running()) child.kill(sig);
  };
  return {
    pid: child.pid ?? -1,
    logFile: opts.logFile,
    exited,
    running,
    signal,
    logTail: (lines = 30) => tailOf(opts.logFile, lines),
    stop(graceMs = 3000) {
      stopping ??= (async () => {
        if (!running()) return exited;
        child.ref(); // keep the event loop alive until the exit is seen
        signal('SIGTERM');
        signal('SIGCONT'); // a SIGSTOPped server (a simulated hang) only sees SIGTERM once continued
        const timer = setTimeout(() => signal('SIGKILL'), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
}

export type ToolResult = { stdout: string; stderr: string; exitCode: number | null };

/**
 * Runs a short-lived command line tool (radclient, slapadd, openssl…) to completion: writes `input`
 * to its stdin, collects its output, and SIGKILLs it after `timeoutMs`. Never rejects for a non-zero
 * exit (callers read exitCode); rejects only when it cannot be started.
 */
export function runTool(
  command: string,
  args: readonly string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode });
    });
    // the tool may exit before reading all its input (e.g. a bad argument); its stderr says why
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** runTool, throwing (with the tool's stderr) unless it exits with 0. */
export async function runToolOrThrow(
  command: string,
  args: readonly string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<ToolResult> {
  const result = await runTool(command, args, opts);
  if (result.exitCode !== 0) {
    const output = `${result.stderr}${result.stdout}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`${command} exited with ${result.exitCode}:\n${output}`);
  }
  return result;
}

export interface WaitOptions {
  /** Named in the error message, e.g. "radiusd on 127.0.0.1:1812". */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** When this process exits before the check passes, fail at once with its log tail. */
  proc?: ServerProcess;
}

/** Polls `check` until it returns true; throws (with the log tail) on timeout or early exit. */
export async function waitUntil(check: () => boolean | Promise<boolean>, opts: WaitOptions): Promise<void> {
  const { what, timeoutMs = 10_000, intervalMs = 25, proc } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && !proc.running()) {
      const { code, signal } = await proc.exited;
      throw startupError(`${what}: exited (code ${code}, signal ${signal}) before it was ready`, proc);
    }
    if (await check()) return;
    if (Date.now() > deadline) throw startupError(`${what}: not ready after ${timeoutMs} ms`, proc);
    await sleep(intervalMs);
  }
}

/** An Error carrying the tail of the server's log, so a failed start explains itself. */
export function startupError(message: string, proc?: ServerProcess): Error {
  if (!proc) return new Error(message);
  return new Error(`${message}\n--- ${proc.logFile} (tail) ---\n${proc.logTail()}`);
}

/** Registers a temp dir for removal at process exit (see tmp.ts). */
export function trackDir(dir: string): void {
  installCleanupHooks();
  liveDirs.add(dir);
}

export function forgetDir(dir: string): void {
  liveDirs.delete(dir);
}

function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function appendNote(file: string, note: string): void {
  try {
    appendFileSync(file, `${note}\n`);
  } catch {
    // the log is best effort
  }
}

let hooksInstalled = false;

/** Synchronous last-resort cleanup: only synchronous work can run in an 'exit' listener. */
function cleanupNow(): void {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  liveChildren.clear();
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
}

function installCleanupHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', cleanupNow);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = () => {
      cleanupNow();
      process.removeListener(sig, onSignal);
      // Listening to a signal cancels Node's default "exit on signal"; restore it unless someone
      // else also listens and so decides what happens.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}
