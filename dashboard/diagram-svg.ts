// The one SVG renderer: `authproxy viz --format svg` and the dashboard both draw the login machine
// with it. Graphviz itself, compiled to WebAssembly (@viz-js/viz: no native binary, no network), lays
// out the reader's view of machines/diagram-view.ts.
import type { Viz } from '@viz-js/viz';
import { diagramModel, type ModeName } from '../machines/diagram.ts';
import { type DiagramView, toDiagramView } from '../machines/diagram-view.ts';
import { loginMachine } from '../machines/login-machine.ts';

let viz: Promise<Viz> | undefined;

export interface RenderedDiagram extends Omit<DiagramView, 'dot'> {
  svg: string;
}

/** The reader's view of the machine (all states, or those `mode` can reach) as SVG. */
export async function renderDiagramSvg(mode?: ModeName): Promise<RenderedDiagram> {
  const view = toDiagramView(diagramModel(loginMachine, mode));
  // Loaded on the first diagram asked for: the module inlines Graphviz's wasm (1.4 MB of JavaScript to
  // parse), which a dashboard that nobody opens, and every other command, never needs.
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  const result = (await viz).render(view.dot, { format: 'svg' });
  if (result.status !== 'success' || result.output === undefined)
    throw new Error(`graphviz could not lay out the diagram: ${result.errors.map((e) => e.message).join('; ')}`);
  return { svg: result.output, states: view.states, edges: view.edges };
}
