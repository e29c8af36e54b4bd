import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diagramModel, renderMermaid } from '../../machines/diagram.ts';
import { GUARD_MODES, loginMachine, type ModeName } from '../../machines/login.ts';

const keysOf = (mode?: ModeName) => new Set(diagramModel(loginMachine, mode).nodes.map((n) => n.key));

describe('diagram – generated from the machine', () => {
  test('diagram – mermaid lists every state and one line per transition', () => {
    const text = renderMermaid();
    assert.match(text, /^stateDiagram-v2\n/);
    const model = diagramModel(loginMachine);
    for (const n of model.nodes.slice(1)) assert.ok(text.includes(n.key), n.id);
    assert.equal(text.split('\n').filter((l) => / --> /.test(l) && !l.includes('[*]')).length, model.edges.length);
    assert.ok(text.includes('processing_preauth --> processing_preauthResult : after DUO_TIMEOUT'));
    assert.ok(text.includes('processing_duo --> accepted : [exemptUser]'));
    assert.ok(text.includes('processing --> processing : after LOGIN_TIMEOUT / raise LOGIN_DEADLINE'));
  });

  test('diagram – per mode, only what the mode can reach', () => {
    const duoOnly = keysOf('duo_only');
    for (const k of ['primary', 'primarySplit', 'awaiting', 'answer', 'dropped', 'expired']) assert.ok(!duoOnly.has(k), k);
    for (const k of ['preauth', 'auth', 'accepted', 'rejected']) assert.ok(duoOnly.has(k), k);
    const challenge = keysOf('challenge');
    assert.ok(challenge.has('awaiting') && challenge.has('answer') && challenge.has('primary'));
    assert.ok(!challenge.has('primarySplit'));
    assert.ok(keysOf('auto').has('primarySplit'));
    assert.ok(!keysOf('concat').has('awaiting'));
    assert.ok(!renderMermaid('duo_only').includes('passcodeNeeded'));
    assert.ok(renderMermaid('auto').includes('passcodeNeeded'));
  });

  test('diagram – GUARD_MODES names exactly the machine’s guards', () => {
    const declared = Object.keys(loginMachine.implementations.guards).sort();
    assert.deepEqual(Object.keys(GUARD_MODES).sort(), declared);
    const used = new Set(diagramModel(loginMachine).edges.map((e) => e.guard).filter((g): g is string => g !== undefined));
    assert.deepEqual([...used].sort(), declared, 'every guard is used by a transition');
  });
});
