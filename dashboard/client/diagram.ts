// The diagram of one server section (the SVG the server rendered with Graphviz) lit up with the live
// counts: a state entered in the window is filled and shows its count; a state where a login is right
// now gets a blue outline; a transition taken is drawn thicker and shows how often.
import type { Counts, DiagramInfo } from './api.ts';

const SVG_NS = 'http://www.w3.org/2000/svg';

export class DiagramView {
  private info: DiagramInfo | undefined;
  private svg: SVGSVGElement | undefined;
  private readonly badges = new Map<string, SVGTextElement>();

  constructor(private readonly host: HTMLElement) {}

  show(info: DiagramInfo): void {
    this.info = info;
    this.badges.clear();
    const doc = new DOMParser().parseFromString(info.svg, 'image/svg+xml');
    const svg = document.importNode(doc.documentElement, true) as unknown as SVGSVGElement;
    // Graphviz sets a fixed size in pt; the stylesheet scales it to the panel instead.
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    svg.setAttribute('aria-hidden', 'true');
    for (const t of svg.querySelectorAll('title')) t.remove(); // hover tooltips would only repeat the ids
    this.host.replaceChildren(svg);
    this.svg = svg;
  }

  /** counts: this section's window counts; here: states where its in-flight logins are now. */
  light(counts: Counts | undefined, here: ReadonlySet<string>): void {
    const { info, svg } = this;
    if (!info || !svg) return;
    for (const [state, domId] of Object.entries(info.states)) {
      const g = svg.getElementById(domId) as SVGGElement | null;
      if (!g) continue;
      const n = counts?.states[state] ?? 0;
      g.classList.toggle('lit', n > 0);
      g.classList.toggle('active', here.has(state));
      this.badge(`s:${state}`, g, n, 'state');
    }
    // Several transitions may share one drawn edge: sum them.
    const perEdge = new Map<string, number>();
    for (const [edge, domId] of Object.entries(info.edges)) perEdge.set(domId, (perEdge.get(domId) ?? 0) + (counts?.edges[edge] ?? 0));
    for (const [domId, n] of perEdge) {
      const g = svg.getElementById(domId) as SVGGElement | null;
      if (!g || !g.classList.contains('transition')) continue;
      g.classList.toggle('lit', n > 0);
      g.classList.toggle('hot', n >= 10);
      this.badge(`e:${domId}`, g, n, 'edge');
    }
  }

  /** A count next to a node (top right) or under an edge's label. */
  private badge(key: string, g: SVGGElement, n: number, kind: 'state' | 'edge'): void {
    let t = this.badges.get(key);
    if (n === 0) {
      t?.remove();
      this.badges.delete(key);
      return;
    }
    if (!t) {
      t = document.createElementNS(SVG_NS, 'text');
      t.setAttribute('class', 'count');
      const anchor = kind === 'state' ? g.querySelector('path, polygon, ellipse') : g.querySelector('text:last-of-type');
      const box = (anchor as SVGGraphicsElement | null)?.getBBox();
      if (!box) return;
      t.setAttribute('x', String(kind === 'state' ? box.x + box.width - 2 : box.x + box.width / 2));
      t.setAttribute('y', String(kind === 'state' ? box.y - 3 : box.y + box.height + 10));
      t.setAttribute('text-anchor', kind === 'state' ? 'end' : 'middle');
      g.append(t);
      this.badges.set(key, t);
    }
    t.textContent = kind === 'state' ? String(n) : `×${n}`;
  }
}
