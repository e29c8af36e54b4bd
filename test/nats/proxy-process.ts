// `authproxy start -c FILE` as a child process, for the multi-instance tests: waits for the
// {"event":"ready"} line, keeps the log lines, stops with SIGTERM or dies with SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ProxyProcess {
  readonly pid: number;
  /** The ready line: listeners with their ports, bus and store kinds. */
  ready: { bus: string; store: string; listeners: { port: number }[] };
  lines: Record<string, unknown>[];
  kill(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of alive) c.kill('SIGKILL');
});

/** Writes `cfg` to `dir/<name>.cfg` and starts a proxy on it. */
export async function startProxyProcess(dir: string, name: string, cfg: string, args: string[] = [], timeoutMs = 20_000): Promise<ProxyProcess> {
  const file = join(dir, `${name}.cfg`);
  await writeFile(file, cfg);
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'cli/main.ts'), 'start', '-c', file, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  alive.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  void exited.then(() => alive.delete(child));
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const ready = await new Promise<ProxyProcess['ready']>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name}: not ready within ${timeoutMs} ms\n${stderr}\n${lines.map((l) => JSON.stringify(l)).join('\n')}`));
    }, timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const j = JSON.parse(line) as Record<string, unknown>;
        lines.push(j);
        if (j.event === 'ready') {
          clearTimeout(timer);
          resolve(j as unknown as ProxyProcess['ready']);
        }
      } catch {
        // not a JSON line
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name}: exited before ready\n${stderr}\n${lines.map((l) => JSON.stringify(l)).join('\n')}`));
    });
  });
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  return { pid: child.pid!, ready, lines, kill, stop: () => kill('SIGTERM') };
}
