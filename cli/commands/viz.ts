// `authproxy viz`: the login machine as a diagram, generated from the machine definition itself.
import { Option, type Command } from '@commander-js/extra-typings';
import { renderDiagram } from '../../machines/diagram.ts';

export function registerViz(program: Command): void {
  program
    .command('viz')
    .description('print the login state machine as a Mermaid or Graphviz diagram')
    .addOption(new Option('--format <format>', 'diagram language').choices(['mermaid', 'dot'] as const).default('mermaid' as const))
    .addOption(new Option('--mode <mode>', 'only the states one server mode can reach').choices(['auto', 'challenge', 'duo_only'] as const))
    .action((opts) => {
      process.stdout.write(`${renderDiagram(opts.format, opts.mode)}\n`);
    });
}
