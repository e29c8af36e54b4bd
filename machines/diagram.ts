// The login machine as a diagram, generated from the machine definition itself (its root StateNode,
// so eventless `always` transitions are included, which @xstate/graph's toDirectedGraph leaves out).
// diagram-view.ts draws it for a person (Graphviz, SVG); toMermaid writes it as a statechart.
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { GUARD_MODES, loginMachine, type ModeName } from './login-machine.ts';

export type { ModeName };

type Node = AnyStateNode;

export interface DiagramEdge {
  /** Stable, readable id: `processing.preauth>processing.preauthResult`, with `/1`, `/2`... for the
   *  second, third... transition between the same two states. The dashboard counts transitions by it. */
  id: string;
  source: string;
  target: string;
  /** The XState event type ('' for an eventless `always` transition). */
  event: string;
  label: string;
  guard: string | undefined;
  /** `<source id> <event type> <position among that event's transitions>`: how a running login's
   *  microstep finds its edge (transitionEdgeIds). */
  transition: string;
}
export interface DiagramModel {
  /** State ids (`login.processing.preauth`), parents before children. */
  nodes: Node[];
  edges: DiagramEdge[];
  initial: string;
}

function allNodes(node: Node): Node[] {
  return [node, ...Object.values(node.states as Record<string, Node>).flatMap(allNodes)];
}

/** Short, readable event names: `done primaryAuth`, `after DUO_TIMEOUT`, `error duoAuth`. */
export function eventLabel(eventType: string): string {
  if (eventType === '') return '';
  const done = /^xstate\.done\.actor\.(.+)$/.exec(eventType);
  if (done) return `done ${done[1]}`;
  const error = /^xstate\.error\.actor\.(.+)$/.exec(eventType);
  if (error) return `error ${error[1]}`;
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after) return `after ${after[1]}`;
  return eventType;
}

/** Names of events a transition raises (`raise({ type })`), so a targetless edge still says what it does. */
function raisedEvents(actions: readonly unknown[]): string {
  return actions
    .map((a) => (a as { type?: unknown; event?: { type?: unknown } }) ?? {})
    .filter((a) => a.type === 'xstate.raise' && typeof a.event?.type === 'string')
    .map((a) => a.event?.type as string)
    .join(', ');
}

export function guardName(t: { guard?: unknown }): string | undefined {
  const g = t.guard;
  if (typeof g === 'string') return g;
  if (g && typeof g === 'object' && 'type' in g && typeof (g as { type: unknown }).type === 'string') return (g as { type: string }).type;
  return undefined;
}

/** A state id without the machine's own `login.` prefix: the name events and the dashboard use. */
export const shortStateId = (id: string): string => id.replace(/^login\.?/, '') || 'login';

/** Gives each edge its id (see DiagramEdge.id), in definition order. */
function nameEdges(edges: DiagramEdge[]): void {
  const seen = new Map<string, number>();
  for (const e of edges) {
    const pair = `${shortStateId(e.source)}>${shortStateId(e.target)}`;
    const n = seen.get(pair) ?? 0;
    seen.set(pair, n + 1);
    e.id = n === 0 ? pair : `${pair}/${n}`;
  }
}

const transitionKey = (source: string, eventType: string, index: number) => `${source} ${eventType} ${index}`;

let edgeIndex: Map<string, string[]> | undefined;
// Each transition definition's answer, once found: a listened login takes ~8 transitions, each of
// which would otherwise build its key string again (a provided machine's definitions live as long as it).
const found = new WeakMap<object, readonly string[]>();

/** The edge ids of a transition a login actor took (an XState microstep's transition definition).
 *  Works for machines made with loginMachine.provide(...) too: it matches by source, event and position,
 *  not by object identity. [] for a transition the machine does not define. */
export function transitionEdgeIds(t: { source: Node; eventType: string }): readonly string[] {
  const known = found.get(t);
  if (known) return known;
  if (!edgeIndex) {
    edgeIndex = new Map();
    for (const e of diagramModel(loginMachine).edges) edgeIndex.set(e.transition, [...(edgeIndex.get(e.transition) ?? []), e.id]);
  }
  const group: readonly unknown[] = (t.eventType === '' ? t.source.always : t.source.transitions.get(t.eventType)) ?? [];
  const ids = Object.freeze([...(edgeIndex.get(transitionKey(t.source.id, t.eventType, group.indexOf(t))) ?? [])]);
  found.set(t, ids);
  return ids;
}

/** Every transition of the machine, optionally only those that can happen in `mode`, and only the states
 *  reachable in that mode. */
export function diagramModel(machine: AnyStateMachine = loginMachine, mode?: ModeName): DiagramModel {
  const root = machine.root as Node;
  const nodes = allNodes(root);
  let edges: DiagramEdge[] = [];
  for (const n of nodes) {
    const groups = [...(n.always?.length ? [n.always] : []), ...n.transitions.values()];
    for (const group of groups) {
      let guardedBefore = false;
      for (const [i, t] of group.entries()) {
        const guard = guardName(t);
        const ev = eventLabel(t.eventType);
        const raised = raisedEvents(t.actions);
        // An unguarded transition after guarded ones of the same event is their "else".
        const condition = guard ? `[${guard}]` : guardedBefore ? '[else]' : '';
        const label = [ev, condition, raised ? `/ raise ${raised}` : ''].filter(Boolean).join(' ');
        for (const target of t.target ?? [n]) {
          edges.push({ id: '', source: n.id, target: (target as Node).id, event: t.eventType, label, guard, transition: transitionKey(n.id, t.eventType, i) });
        }
        if (guard) guardedBefore = true;
      }
    }
  }
  nameEdges(edges);
  if (mode) edges = edges.filter((e) => e.guard === undefined || (GUARD_MODES[e.guard] ?? []).includes(mode));
  const initial = (root.initial?.target[0] as Node | undefined)?.id ?? root.id;
  if (!mode) return { nodes, edges, initial };

  // Reachability: a reached state reaches its ancestors and its initial descendants.
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const reached = new Set<string>();
  const reach = (id: string) => {
    if (reached.has(id)) return;
    reached.add(id);
    const n = byId.get(id)!;
    if (n.parent) reach(n.parent.id);
    const init = n.initial?.target[0] as Node | undefined;
    if (init) reach(init.id);
  };
  reach(initial);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of edges) {
      if (reached.has(e.source) && !reached.has(e.target)) {
        reach(e.target);
        grew = true;
      }
    }
  }
  return {
    nodes: nodes.filter((n) => reached.has(n.id)),
    edges: edges.filter((e) => reached.has(e.source) && reached.has(e.target)),
    initial,
  };
}

const mermaidId = (id: string) => id.replace(/^login\.?/, '').replace(/\./g, '_') || 'login';

/** The innermost compound state holding both ends (where Mermaid wants a transition written). */
function commonParent(a: Node, b: Node): Node | undefined {
  const chain = (n: Node) => {
    const out: Node[] = [];
    for (let p = n.parent; p; p = p.parent) out.push(p);
    return out;
  };
  const up = new Set(chain(b).map((n) => n.id));
  return chain(a).find((n) => up.has(n.id));
}

export function toMermaid(model: DiagramModel): string {
  const lines = ['stateDiagram-v2'];
  const kept = new Set(model.nodes.map((n) => n.id));
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const root = model.nodes[0]!;
  // Each transition goes inside the block of the innermost compound state holding both of its ends.
  const edgesIn = new Map<string, DiagramEdge[]>();
  for (const e of model.edges) {
    const a = byId.get(e.source)!;
    const b = byId.get(e.target)!;
    const home = a === b ? (a.parent ?? root) : (commonParent(a, b) ?? root);
    const key = home.id === a.id || home.id === b.id ? (home.parent ?? root).id : home.id;
    edgesIn.set(key, [...(edgesIn.get(key) ?? []), e]);
  }
  const edgeLines = (id: string, indent: string) =>
    (edgesIn.get(id) ?? []).map((e) => `${indent}${mermaidId(e.source)} --> ${mermaidId(e.target)}${e.label ? ` : ${e.label}` : ''}`);
  const emit = (n: Node, indent: string) => {
    const children = Object.values(n.states as Record<string, Node>).filter((c) => kept.has(c.id));
    if (children.length) {
      lines.push(`${indent}state ${mermaidId(n.id)} {`);
      const init = n.initial?.target[0] as Node | undefined;
      if (init) lines.push(`${indent}  [*] --> ${mermaidId(init.id)}`);
      for (const c of children) emit(c, `${indent}  `);
      lines.push(...edgeLines(n.id, `${indent}  `));
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${n.key}" as ${mermaidId(n.id)}`);
      if (n.type === 'final') lines.push(`${indent}${mermaidId(n.id)} --> [*]`);
    }
  };
  const rootInit = root.initial?.target[0] as Node | undefined;
  if (rootInit) lines.push(`  [*] --> ${mermaidId(rootInit.id)}`);
  for (const c of Object.values(root.states as Record<string, Node>).filter((c) => kept.has(c.id))) emit(c, '  ');
  lines.push(...edgeLines(root.id, '  '));
  return `${lines.join('\n')}\n`;
}

/** The statechart as Mermaid text (`authproxy viz --format mermaid`); Graphviz and SVG come from the
 *  reader's view, diagram-view.ts. */
export function renderMermaid(mode?: ModeName): string {
  return toMermaid(diagramModel(loginMachine, mode));
}
