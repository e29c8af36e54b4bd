// `authproxy viz`: the login machine as a diagram, generated from the machine definition itself.
// mermaid: the statechart as nested states; dot and svg: the reader's view (machines/diagram-view.ts),
// svg laid out offline by the same renderer the dashboard uses.
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from '@commander-js/extra-typings';

export function registerViz(program: Command): void {
  program
    .command('viz')
    .description('the login state machine as an SVG picture, or as Graphviz or Mermaid source')
    .addOption(new Option('--format <format>', 'svg (a picture any browser shows), dot (Graphviz) or mermaid').choices(['svg', 'mermaid', 'dot'] as const).default('mermaid' as const))
    .addOption(new Option('--mode <mode>', 'only the states one server mode can reach').choices(['auto', 'challenge', 'duo_only', 'concat'] as const))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (opts) => {
      let text: string;
      if (opts.format === 'svg') {
        // Loaded only here: the wasm Graphviz is 1.4 MB that other commands never need.
        const { renderDiagramSvg } = await import('../../dashboard/diagram-svg.ts');
        text = (await renderDiagramSvg(opts.mode)).svg;
      } else {
        // Loaded when the command runs (xstate and the machine), so other commands do not pay for them.
        const [{ diagramModel, renderMermaid }, { toDiagramView }, { loginMachine }] = await Promise.all([
          import('../../machines/diagram.ts'),
          import('../../machines/diagram-view.ts'),
          import('../../machines/login-machine.ts'),
        ]);
        text = opts.format === 'dot' ? toDiagramView(diagramModel(loginMachine, opts.mode)).dot : renderMermaid(opts.mode);
      }
      if (opts.output === undefined) {
        process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
        return;
      }
      try {
        await writeFile(opts.output, text);
      } catch (err) {
        process.stderr.write(`authproxy viz: cannot write ${opts.output}: ${(err as Error).message}\n`);
        process.exit(1);
      }
    });
}
