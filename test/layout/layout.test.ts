// The layout of design.md, checked on the sources: no import cycles anywhere; machines/ is pure;
// engine/ (the running of logins) does not reach into ops/ (the operator's tools), which may use it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cycles, importGraph } from './imports.ts';

const graph = importGraph();
const top = (p: string) => p.split('/')[0]!;

test('layout – the import graph was read (sanity: proxy.ts imports the RADIUS server)', () => {
  assert.ok(graph.size > 100, `only ${graph.size} files read`);
  assert.ok(graph.get('engine/proxy.ts')?.includes('adapters/radius/server.ts'));
});

test('layout – no import cycles', () => {
  assert.deepEqual(cycles(graph), []);
});

test('layout – cycle finder finds a planted cycle (the check above can fail)', () => {
  const g = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['a.ts']],
  ]);
  assert.deepEqual(cycles(g), [['a.ts', 'b.ts', 'c.ts']]);
});

for (const [from, forbidden] of [
  ['machines', ['adapters', 'engine', 'ops', 'cli', 'config', 'mock-duo']],
  ['adapters', ['engine', 'ops', 'cli']],
  ['engine', ['ops', 'cli']],
] as const) {
  test(`layout – ${from}/ imports nothing from ${forbidden.join('/, ')}/`, () => {
    const bad = [...graph]
      .filter(([f]) => top(f) === from)
      .flatMap(([f, ts]) => ts.filter((t) => (forbidden as readonly string[]).includes(top(t)) && !allowed(f, t)).map((t) => `${f} → ${t}`));
    assert.deepEqual(bad, []);
  });
}

/** The one way from engine/ into ops/: the formatters of the engine's own log lines (ops/logs/*.ts,
 *  pure: they import nothing but machines/ types), so the per-login line is worded in one place. */
function allowed(from: string, to: string): boolean {
  return top(from) === 'engine' && to.startsWith('ops/logs/') && (graph.get(to) ?? []).every((t) => top(t) === 'machines');
}

test('layout – the connectivity checks live in ops/, not engine/', () => {
  assert.ok([...graph.keys()].some((f) => f.startsWith('ops/connectivity/')));
  assert.ok(![...graph.keys()].some((f) => f.startsWith('engine/connectivity/')));
});
