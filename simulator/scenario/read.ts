// Reading a scenario file: YAML or JSON through the scenario schema, every mistake as
// `FILE:LINE:COL path: problem` (the mock Duo's fixture reader, shared). Relative paths in the file
// (target.config, duo.fixtures, duo.ca_out) are resolved against the scenario's directory.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type ParseResult, parseYamlWith } from '../../mock-duo/fixture.ts';
import { type Scenario, scenarioSchema } from './schema.ts';

export interface ReadScenario {
  scenario: Scenario;
  file: string;
  /** Directory that relative paths in it are resolved against. */
  dir: string;
}

export function parseScenario(text: string, file: string): ParseResult<Scenario> {
  return parseYamlWith(scenarioSchema, text, file);
}

export async function readScenario(path: string): Promise<ParseResult<ReadScenario>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, errors: [`${path}:1:1 cannot read the scenario: ${(err as NodeJS.ErrnoException).code ?? String(err)}`] };
  }
  const r = parseScenario(text, path);
  if (!r.ok) return r;
  const dir = dirname(resolve(path));
  const s = r.value;
  const abs = (p: string) => resolve(dir, p);
  if ('config' in s.target) s.target = { ...s.target, config: abs(s.target.config) };
  if (s.duo?.fixtures !== undefined) s.duo.fixtures = abs(s.duo.fixtures);
  if (s.duo?.ca_out !== undefined) s.duo.ca_out = abs(s.duo.ca_out);
  return { ok: true, value: { scenario: s, file: path, dir } };
}
