import { renderDiagram } from '../machines/diagram.ts';
console.log(renderDiagram('mermaid', process.argv[2] as never));
console.log(renderDiagram('dot', process.argv[2] as never));
