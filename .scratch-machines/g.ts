import { toDirectedGraph } from '@xstate/graph';
import { loginMachine } from '../machines/login.ts';
const g = toDirectedGraph(loginMachine);
function walk(n: any, d = 0) {
  console.log(' '.repeat(d) + n.id, n.stateNode.type);
  for (const e of n.edges) console.log(' '.repeat(d + 2) + '-> ' + e.target.id + ' : ' + JSON.stringify(e.label.text) + ' guard=' + JSON.stringify(e.transition.guard) + ' evt=' + e.transition.eventType + ' reenter=' + e.transition.reenter);
  for (const c of n.children) walk(c, d + 2);
}
walk(g);
