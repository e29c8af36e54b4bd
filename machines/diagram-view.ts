// The login machine drawn for a person (`authproxy viz --format dot|svg` and the dashboard): states
// grouped by what a reader asks ("did primary auth pass? what did Duo preauth say? which factor? what
// did Duo auth say? how did it end?") instead of by the statechart's nesting; failmode and error
// branches drawn apart; guards as edge labels. Parallel transitions of one kind between the same two
// states share one drawn edge whose label lists them. Every drawn node and edge gets a DOM id, and the
// view says which state and which transition (diagram.ts ids) each one stands for, so the dashboard
// can light them up. Pure text: dashboard/diagram-svg.ts turns it into SVG.
import type { AnyStateNode } from 'xstate';
import { type DiagramEdge, type DiagramModel, shortStateId } from './diagram.ts';
import { callOf } from './login-calls.ts';

export interface DiagramGroup {
  label: string;
  /** Drawn as a box around its states (the lone entry state is not). */
  cluster: boolean;
  fill: string;
  states: readonly string[];
}

/** Every leaf state of the login machine, in the group a reader looks for it in (a test checks that each
 *  state of the machine is in exactly one group). */
export const DIAGRAM_GROUPS = {
  request: { label: 'Request', cluster: false, fill: '#ffffff', states: ['processing.screening'] },
  primary: {
    label: 'Primary authentication',
    cluster: true,
    fill: '#eef3fb',
    states: ['processing.primarySplit', 'processing.primarySplitResult', 'processing.primary', 'processing.primaryResult'],
  },
  preauth: {
    label: 'Duo preauth',
    cluster: true,
    fill: '#eef8f1',
    states: ['processing.duo', 'processing.preauth', 'processing.preauthResult', 'processing.preauthFailmode'],
  },
  factor: { label: 'Factor / challenge', cluster: true, fill: '#f6f0fb', states: ['processing.secondFactor', 'awaiting', 'processing.answer'] },
  auth: { label: 'Duo auth', cluster: true, fill: '#eef8f1', states: ['processing.auth', 'processing.authResult', 'processing.authFailmode'] },
  outcome: { label: 'Outcome', cluster: true, fill: '#f7f7f7', states: ['accepted', 'rejected', 'dropped', 'expired'] },
} as const satisfies Record<string, DiagramGroup>;

export type EdgeKind = 'normal' | 'error' | 'failmode';

const isFailmodeState = (id: string) => /Failmode$/.test(id);

/** failmode: into or out of a failmode decision; error: a call failed or a timer ran out; else normal. */
export function edgeKind(e: Pick<DiagramEdge, 'source' | 'target' | 'event'>): EdgeKind {
  if (isFailmodeState(e.source) || isFailmodeState(e.target)) return 'failmode';
  if (/^xstate\.error\.actor\./.test(e.event) || /^xstate\.after\.(DUO_TIMEOUT|CHALLENGE_REMAINING)\./.test(e.event) || e.event === 'LOGIN_DEADLINE')
    return 'error';
  return 'normal';
}

const EDGE_STYLE: Record<EdgeKind, string> = {
  normal: 'color="#37474f", fontcolor="#263238"',
  error: 'color="#b3261e", fontcolor="#b3261e", style=dashed',
  failmode: 'color="#c2410c", fontcolor="#9a3412", style="bold,dashed", penwidth=2',
};

const OUTCOME_FILL: Record<string, string> = { accepted: '#c8e6c9', rejected: '#ffcdd2', dropped: '#e0e0e0', expired: '#e0e0e0' };

export interface DiagramView {
  /** Graphviz source. */
  dot: string;
  /** State name (`processing.preauth`) → DOM id of its node. */
  states: Record<string, string>;
  /** Transition id (DiagramEdge.id) → DOM id of the drawn edge that carries it. */
  edges: Record<string, string>;
}

const q = (s: string) => JSON.stringify(s);
// Graphviz writes '-' as an entity in SVG ids: letters, digits and '_' only.
const domState = (name: string) => `s_${name.replace(/[^A-Za-z0-9]/g, '_')}`;

/** Transient states (only eventless transitions, no call) are decisions: drawn small and dashed. */
function nodeAttrs(n: AnyStateNode, name: string): string {
  const id = `id=${q(domState(name))}, class="state"`;
  if (n.type === 'final') return `${id}, shape=box, style="rounded,filled,bold", peripheries=2, fillcolor=${q(OUTCOME_FILL[name] ?? '#eeeeee')}`;
  if (isFailmodeState(name)) return `${id}, shape=octagon, style="filled,bold", color="#c2410c", fillcolor="#ffedd5", fontcolor="#7c2d12"`;
  if (name === 'awaiting') return `${id}, shape=box, style="rounded,filled,bold", fillcolor="#e1d5f0"`;
  const decision = n.always?.length && n.transitions.size === 0 && !callOf(n);
  if (decision) return `${id}, shape=box, style="rounded,dashed,filled", fillcolor="#ffffff", fontsize=11`;
  return `${id}, shape=box, style="rounded,filled,bold", fillcolor="#ffffff"`;
}

export function toDiagramView(model: DiagramModel): DiagramView {
  const byName = new Map(model.nodes.map((n) => [shortStateId(n.id), n]));
  const leaves = [...byName].filter(([, n]) => Object.keys(n.states).length === 0);
  const states: Record<string, string> = {};
  const edges: Record<string, string> = {};
  const lines = [
    'digraph login {',
    '  rankdir=LR; newrank=true; nodesep=0.25; ranksep=0.45;',
    '  fontname="Helvetica,Arial,sans-serif"; bgcolor="white";',
    '  node [fontname="Helvetica,Arial,sans-serif", fontsize=12, margin="0.12,0.04", height=0.3];',
    '  edge [fontname="Helvetica,Arial,sans-serif", fontsize=9, arrowsize=0.7];',
    '  start [shape=circle, style=filled, fillcolor="#263238", label="", width=0.15, id="s_start"];',
  ];
  for (const group of Object.values(DIAGRAM_GROUPS) as DiagramGroup[]) {
    const members = leaves.filter(([name]) => group.states.includes(name));
    if (members.length === 0) continue;
    const indent = group.cluster ? '    ' : '  ';
    if (group.cluster)
      lines.push(`  subgraph ${q(`cluster_${group.label}`)} {`, `    label=${q(group.label)}; style="rounded,filled"; color="#b0bec5"; fillcolor=${q(group.fill)}; fontsize=13;`);
    for (const [name, n] of members) {
      states[name] = domState(name);
      lines.push(`${indent}${q(name)} [label=${q(n.key)}, ${nodeAttrs(n, name)}];`);
    }
    // Every ending in one column at the right, however early a path reaches it.
    if (group === DIAGRAM_GROUPS.outcome) lines.push(`${indent}{ rank=max; ${members.map(([name]) => q(name)).join('; ')}; }`);
    if (group.cluster) lines.push('  }');
  }
  // The whole-login deadline belongs to no one state: a note instead of a self-loop around everything.
  const processing = byName.get('processing');
  const deadline = model.edges.filter((e) => e.source === processing?.id && e.target === processing?.id);
  if (deadline.length) {
    lines.push(`  deadline [shape=note, id="s_deadline", fontsize=10, margin="0.25,0.06", color="#b3261e", fontcolor="#b3261e", label=${q(`any stage: ${deadline.map((e) => e.label).join('; ')}`)}];`);
    lines.push('  { rank=min; start; deadline; }');
    for (const e of deadline) edges[e.id] = 's_deadline';
  }
  // Down the initial states to the first leaf (an atomic state's `initial` has no target).
  let init: AnyStateNode | undefined = model.nodes[0];
  while (init?.initial?.target[0]) init = init.initial.target[0] as AnyStateNode;
  if (init) lines.push(`  start -> ${q(shortStateId(init.id))} [id="e_start"];`);

  // One drawn edge per (source, target, kind); its label lists the transitions it stands for.
  const drawn = new Map<string, DiagramEdge[]>();
  for (const e of model.edges) {
    if (deadline.includes(e)) continue;
    const key = `${e.source} ${e.target} ${edgeKind(e)}`;
    drawn.set(key, [...(drawn.get(key) ?? []), e]);
  }
  let i = 0;
  for (const members of drawn.values()) {
    const first = members[0]!;
    const domId = `e_${i++}`;
    for (const e of members) edges[e.id] = domId;
    const label = members.map((e) => e.label || '(always)').join('\n');
    const attrs = [`id=${q(domId)}`, 'class="transition"', `label=${q(label)}`, EDGE_STYLE[edgeKind(first)]];
    // Edges back to an earlier stage (a challenge answer going back to Duo) should not pull the layout.
    if (first.source.endsWith('.answer') || first.source === first.target) attrs.push('constraint=false');
    lines.push(`  ${q(shortStateId(first.source))} -> ${q(shortStateId(first.target))} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return { dot: `${lines.join('\n')}\n`, states, edges };
}
