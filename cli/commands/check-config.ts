// `authproxy check-config -c FILE` (design.md "Contract: CLI"): prints every problem of the file, one
// line each (`FILE:LINE [section] option: what is wrong; how to fix`); exit 2 if any is an error, else
// exit 0 after one summary line per section. Never prints a secret.
import type { Command } from '@commander-js/extra-typings';
import { chooseConfig } from '../flags.ts';

export function registerCheckConfig(program: Command): void {
  program
    .command('check-config')
    .description('validate an authproxy.cfg: every problem on its own line; exit 2 on any error')
    .option('-c, --config <file>', 'path of the authproxy.cfg to check (default: /etc/authproxy/authproxy.cfg, else ./authproxy.cfg)')
    .action(async (opts) => {
      // Loaded when the command runs, so that other commands (and --help, --version) do not pay for them.
      const [{ formatProblem, loadConfig }, { countLine, summarise }] = await Promise.all([import('../../config/index.ts'), import('../../config/summary.ts')]);
      const file = chooseConfig(opts.config);
      if (!file.ok) {
        process.stderr.write(`authproxy: ${file.message}\n`);
        process.exit(2);
      }
      const result = loadConfig(file.path);
      const problems = result.ok ? result.warnings : [...result.problems, ...result.warnings];
      problems.sort((a, b) => a.line - b.line);
      for (const p of problems) console.log(formatProblem(p));
      const counts = countLine(result.ok ? 0 : result.problems.length, result.warnings);
      if (!result.ok) {
        console.log(`${counts}: the configuration is not valid`);
        process.exitCode = 2;
        return;
      }
      for (const line of summarise(result.config)) console.log(line);
      console.log(`configuration OK (${counts})`);
    });
}
