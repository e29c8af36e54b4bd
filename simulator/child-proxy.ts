// `target.process: child`: our proxy as the real `authproxy start` command on a copy of the scenario's
// authproxy.cfg, with the same in-memory changes as the in-process target (Duo at the mock, ports,
// the simulated primary, the devices' loopback addresses) written into the copy. The copy sits next
// to the original (relative paths in it keep working) and is removed when the proxy stops.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseIni } from '../config/ini.ts';

/** What one section of the copy gets: keys (or key patterns) removed, then lines added after its header. */
export interface SectionEdit {
  readonly drop: readonly (string | RegExp)[];
  readonly add: readonly (readonly [string, string | number])[];
}

/**
 * The file with, per section (by name as written), its dropped keys removed (with their continuation
 * lines) and its added keys written right after the header. `main` is created at the top when the
 * file has no [main] and an edit names it. Pure: text in, text out.
 */
export function rewriteConfig(text: string, edits: ReadonlyMap<string, SectionEdit>): string {
  const ini = parseIni(text, 'config');
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  const bySectionLine = new Map(ini.sections.map((s) => [s.line, s]));
  const dropLines = new Set<number>();
  for (const s of ini.sections) {
    const edit = edits.get(s.name);
    if (!edit) continue;
    for (const e of s.entries) if (edit.drop.some((d) => (typeof d === 'string' ? d === e.key : d.test(e.key)))) dropLines.add(e.line);
  }
  const mainEdit = edits.get('main');
  if (mainEdit && !ini.sections.some((s) => s.name === 'main')) out.push('[main]', ...mainEdit.add.map(([k, v]) => `${k}=${v}`), '');
  let dropping = false;
  lines.forEach((line, i) => {
    const n = i + 1;
    // A continuation line (indented, not blank) belongs to the key above it.
    if (dropping && /^[ \t]+\S/.test(line)) return;
    dropping = dropLines.has(n);
    if (dropping) return;
    out.push(line);
    const section = bySectionLine.get(n);
    const edit = section && edits.get(section.name);
    if (edit) for (const [k, v] of edit.add) out.push(`${k}=${v}`);
  });
  return out.join('\n');
}

function authproxyBin(): string {
  // From the sources (simulator/) or the build (dist/simulator/): the package's bin/authproxy.js.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'bin', 'authproxy.js');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('bin/authproxy.js not found');
}

export interface ChildProxy {
  stop(): Promise<void>;
}

/** Writes the copy, runs `authproxy start -c COPY` and waits for its `ready` line. */
export async function startChildProxy(original: string, text: string): Promise<ChildProxy> {
  const copy = join(dirname(original), `.simulate-${process.pid}-${basename(original)}`);
  await writeFile(copy, text, { mode: 0o600 });
  const child: ChildProcess = spawn(process.execPath, [authproxyBin(), 'start', '-c', copy], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (b: Buffer) => stderr.push(b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => reject(new Error('no "ready" line within 30 s')), 30_000);
      child.stdout!.on('data', (b: Buffer) => {
        buffered += b.toString();
        if (/"event":"ready"/.test(buffered)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`authproxy start exited with ${code}: ${stderr.join('').trim().split('\n').slice(-5).join(' | ')}`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    await rm(copy, { force: true });
    throw err;
  }
  child.stdout!.resume();
  return {
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
      await rm(copy, { force: true });
    },
  };
}
