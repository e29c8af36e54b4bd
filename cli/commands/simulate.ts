// `authproxy simulate SCENARIO.yaml [--json] [--junit FILE] [--quiet]`: run a scenario (simulator/)
// against our proxy started from a config or any running RADIUS server, with Duo mocked. Exit 0 when
// every expectation holds, 1 when one fails, 2 when the scenario is invalid or the target unusable.
import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import type { RunOptions } from '../../simulator/run.ts';

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('run the logins and load of a scenario file against a config or a RADIUS server, Duo mocked; exit 0 all held, 1 one failed, 2 invalid')
    .argument('<scenario>', 'scenario file (YAML or JSON): target, duo, device, logins, load, faults')
    .option('--json', 'print one JSON object { passed, failed, logins, load } instead of tables')
    .option('--junit <file>', 'also write JUnit XML to FILE (one test case per login and per load population)')
    .option('--quiet', 'no progress bar and no tables: only failures and the totals line')
    .action(async (file, opts) => {
      // Loaded only when asked for: the other commands never carry the mock Duo and the simulator.
      const { readScenario } = await import('../../simulator/scenario/read.ts');
      const { runScenario } = await import('../../simulator/run.ts');
      const { SetupError } = await import('../../simulator/environment.ts');
      const { jsonReport, junitReport, textReport } = await import('../../simulator/report.ts');
      const { default: cliProgress } = await import('cli-progress');
      const { printable } = await import('../printable.ts');
      const read = await readScenario(file);
      if (!read.ok) {
        for (const line of read.errors) process.stderr.write(`${line}\n`);
        process.exit(2);
      }
      // Before the run, not after it: a long run must not end in a lost report.
      const junitProblem = opts.junit === undefined ? undefined : await unwritable(opts.junit);
      if (junitProblem) {
        process.stderr.write(`authproxy simulate: --junit ${opts.junit}: ${junitProblem}\n`);
        process.exit(2);
      }
      const live = process.stderr.isTTY && !opts.quiet && !opts.json;
      const bar = live
        ? new cliProgress.SingleBar({ format: 'simulate [{bar}] {value}/{total} logins | {passed} passed {failed} failed', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic)
        : undefined;
      const progress: RunOptions['onProgress'] = (done, total, passed, failed) => {
        if (!bar) return;
        if (done === 1) bar.start(total, 0, { passed, failed });
        bar.update(Math.min(done, total), { passed, failed });
      };
      let report;
      try {
        // On a terminal the notes come before the run (a device the target does not admit waits its
        // whole timeout per login: the note says why before the wait), not again after it.
        report = await runScenario(read.value, { onProgress: progress, ...(live ? { onReady: (notes) => notes.forEach((n) => process.stderr.write(`${printable(`note: ${n}`)}\n`)) } : {}) });
      } catch (err) {
        bar?.stop();
        if (err instanceof SetupError) {
          for (const line of err.lines) process.stderr.write(`${line}\n`);
          process.exit(2);
        }
        throw err;
      }
      bar?.stop();
      if (opts.json) process.stdout.write(jsonReport(report));
      else if (opts.quiet) {
        for (const f of [...report.logins, ...report.load].filter((x) => !x.passed)) process.stdout.write(`FAILED ${f.name}: ${f.problems.join('; ')}\n`);
        process.stdout.write(`${report.passed} passed, ${report.failed} failed\n`);
      } else process.stdout.write(textReport(report, { notes: !(live && process.stdout.isTTY) }));
      if (opts.junit) {
        try {
          await writeFile(opts.junit, junitReport(report));
        } catch (err) {
          process.stderr.write(`authproxy simulate: --junit ${opts.junit}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})\n`);
          process.exit(2);
        }
      }
      process.exit(report.failed > 0 ? 1 : 0);
    });
}

/** Why the JUnit file could not be written, or undefined when it can (its folder exists and is writable,
 *  and it is not a folder itself). */
async function unwritable(path: string): Promise<string | undefined> {
  const dir = dirname(resolve(path));
  try {
    if (!(await stat(dir)).isDirectory()) return `${dir} is not a folder`;
    await access(dir, constants.W_OK);
  } catch (err) {
    return `cannot write in ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) return 'is a folder';
  return undefined;
}
