// The reader's view of the login machine (machines/diagram-view.ts) and its SVG (dashboard/diagram-svg.ts):
// every state in one group, every transition drawn, failmode and error branches styled apart, guards
// as labels, and the DOM ids the dashboard lights up present in the SVG.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createActor, waitFor } from 'xstate';
import { diagramModel, shortStateId, transitionEdgeIds, type ModeName } from '../../machines/diagram.ts';
import { DIAGRAM_GROUPS, edgeKind, toDiagramView } from '../../machines/diagram-view.ts';
import { loginMachine } from '../../machines/login.ts';
import { renderDiagramSvg } from '../../dashboard/diagram-svg.ts';
import { duoFail, fakeMachine, makeInput, primaryOk } from './support.ts';

const MODES: (ModeName | undefined)[] = [undefined, 'auto', 'challenge', 'duo_only', 'concat'];
const leafNames = () =>
  diagramModel(loginMachine)
    .nodes.filter((n) => Object.keys(n.states).length === 0)
    .map((n) => shortStateId(n.id));

describe('diagram view – the machine drawn for a person', () => {
  test('diagram view – every state of the machine is in exactly one group', () => {
    const grouped = Object.values(DIAGRAM_GROUPS).flatMap((g) => [...g.states]);
    assert.deepEqual([...grouped].sort(), [...new Set(grouped)].sort(), 'no state in two groups');
    assert.deepEqual(leafNames().sort(), [...grouped].sort());
  });

  test('diagram view – every transition of every mode is drawn, and every state has a node', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MODES), (mode) => {
        const model = diagramModel(loginMachine, mode);
        const view = toDiagramView(model);
        assert.deepEqual(Object.keys(view.edges).sort(), model.edges.map((e) => e.id).sort());
        for (const domId of new Set(Object.values(view.edges))) assert.ok(view.dot.includes(`id="${domId}"`), domId);
        const leaves = model.nodes.filter((n) => Object.keys(n.states).length === 0).map((n) => shortStateId(n.id));
        assert.deepEqual(Object.keys(view.states).sort(), leaves.sort());
        // The start marker points at the state every login starts in (it once stood alone, arrowless).
        assert.ok(view.dot.includes('start -> "processing.screening" [id="e_start"];'), 'the start arrow');
      }),
      { numRuns: 10 },
    );
  });

  test('diagram view – failmode branches are their own kind and style; guards are edge labels', () => {
    const model = diagramModel(loginMachine);
    const view = toDiagramView(model);
    const lineOf = (domId: string) => view.dot.split('\n').find((l) => l.includes(`id="${domId}"`)) ?? '';
    for (const e of model.edges) {
      const line = lineOf(view.edges[e.id]!);
      if (e.guard) assert.ok(line.includes(`[${e.guard}]`), `${e.id} labelled with its guard`);
      const touchesFailmode = /Failmode$/.test(e.source) || /Failmode$/.test(e.target);
      assert.equal(edgeKind(e) === 'failmode', touchesFailmode, e.id);
      if (touchesFailmode) assert.match(line, /style="bold,dashed"/, e.id);
      else assert.doesNotMatch(line, /bold,dashed/, e.id);
    }
    assert.equal(edgeKind({ source: 'login.processing.preauth', target: 'login.processing.preauthResult', event: 'xstate.error.actor.duoPreauth' }), 'error');
  });

  test('diagram view – a running login names its transitions with the drawn edges’ ids', async () => {
    // The provided machine is a new object: transitionEdgeIds must match by source, event and position.
    const machine = fakeMachine({ primary: [primaryOk()], preauth: [duoFail('http-5xx', true)], auth: [] });
    const taken: string[] = [];
    const actor = createActor(machine, {
      input: makeInput('radius_server_challenge'),
      inspect: (ev) => {
        if (ev.type === '@xstate.microstep') for (const t of (ev as unknown as { _transitions: never[] })._transitions) taken.push(...transitionEdgeIds(t));
      },
    });
    actor.start();
    // Until it ends (not a fixed sleep: a loaded machine may take longer than any guess).
    await waitFor(actor, (s) => s.status !== 'active', { timeout: 30_000 });
    assert.equal(actor.getSnapshot().value, 'accepted');
    const ids = new Set(diagramModel(loginMachine).edges.map((e) => e.id));
    for (const id of taken) assert.ok(ids.has(id), id);
    // screening → primary → primaryResult → duo → preauth → preauthResult → preauthFailmode → accepted
    assert.deepEqual(taken, [
      'processing.screening>processing.primary',
      'processing.primary>processing.primaryResult',
      'processing.primaryResult>processing.duo',
      'processing.duo>processing.preauth',
      'processing.preauth>processing.preauthResult/1',
      'processing.preauthResult>processing.preauthFailmode',
      'processing.preauthFailmode>accepted',
    ]);
  });

  test('diagram view – the SVG has every node and edge id the dashboard lights up', async () => {
    for (const mode of MODES) {
      const r = await renderDiagramSvg(mode);
      assert.match(r.svg, /<svg[\s\S]*<\/svg>\s*$/);
      for (const id of new Set([...Object.values(r.states), ...Object.values(r.edges)])) assert.ok(r.svg.includes(`id="${id}"`), `${mode}: ${id}`);
      assert.ok(r.svg.includes('preauthFailmode') || mode === undefined);
    }
  });
});
