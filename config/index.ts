// Reading authproxy.cfg: the public entry points. parseConfigText is pure; loadConfig also reads the
// file and checks that the files it names are readable; checkConfig returns every problem of a file.
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildAdClient, buildDuoOnlyClient, buildMain, buildRadiusClient, buildServer, emptySection } from './build.ts';
import { checkClients, checkListeners } from './cross.ts';
import { parseIni } from './ini.ts';
import { checkMainOverrides } from './main-overrides.ts';
import { findOption, SECTIONS } from './options.ts';
import { closestOption } from './suggest.ts';
import { type Problem, ProblemList, redactProblems } from './problems.ts';
import { resolveClient } from './resolve.ts';
import type { ReadSection } from './section-reader.ts';
import { typeSections } from './sections.ts';
import type { ClientSection, ProxyConfig } from './types.ts';

export type { Problem, Severity } from './problems.ts';
export { formatProblem, msg } from './problems.ts';
export type * from './types.ts';

export type LoadResult =
  | { ok: true; config: ProxyConfig; warnings: Problem[] }
  | { ok: false; problems: Problem[]; warnings: Problem[] };

/** A file named by the config, to be checked for readability by loadConfig. */
interface FileRef {
  path: string;
  line: number;
  section: string;
  option: string;
}

interface Analysis {
  problems: ProblemList;
  config: ProxyConfig;
  files: FileRef[];
  secrets: string[];
}

/** Whether a key holds a secret, by the kind of option it is (issue 15 §3), in any section type: a
 *  secret option, or an unknown key that is a near miss of one (radius_secert_1). */
function isSecretKey(key: string): boolean {
  return Object.values(SECTIONS).some((spec) => {
    const found = findOption(spec, key);
    if (found) return Boolean(found.option.secret);
    const close = closestOption(spec, key);
    return close !== undefined && Boolean(findOption(spec, close)?.option.secret);
  });
}

function analyse(text: string, file: string, dir: string): Analysis {
  const problems = new ProblemList(file);
  const ini = parseIni(text, file);
  for (const p of ini.problems) problems.error(p, p.message, p.fix);
  // Every entry read, a dropped duplicate section's too: its secret may be pasted somewhere else.
  const secrets = ini.everyEntry.filter(({ entry: e }) => e.value !== '' && isSecretKey(e.key)).map(({ entry: e }) => e.value);

  const typed = typeSections(ini, dir, problems);
  const main = buildMain(typed.main ?? emptySection('main', 'main'));
  const choices = typed.servers.map((read) => ({ read, choice: resolveClient(read, typed.names, typed.main) }));
  const resolved = checkClients(choices, typed.clients, problems);
  if (typed.main?.values.has('server')) {
    const named = String(typed.main.values.get('server')!.value);
    if (!typed.servers.some((s) => s.name === named))
      problems.warn({ line: typed.main.values.get('server')!.line, section: typed.main.name, option: 'server' }, `[main] server names no server section: '${named}'`, 'name one of the [radius_server_*] sections, or remove server');
  }

  const servers = typed.servers.map((read) => buildServer(read, main, resolved.get(read.name)));
  checkMainOverrides(main, typed.servers, new Set(ini.sections.find((s) => s.name === 'DEFAULT')?.entries.map((e) => e.line)), problems);
  checkListeners(servers, problems);
  const clients: Record<string, ClientSection> = {};
  for (const [name, read] of typed.clients) {
    if (read.type === 'ad_client') clients[name] = buildAdClient(read, main);
    else if (read.type === 'radius_client') clients[name] = buildRadiusClient(read, main);
    else clients[name] = buildDuoOnlyClient(read, main);
  }
  const reads = [...(typed.main ? [typed.main] : []), ...typed.servers, ...typed.clients.values()];
  const config: ProxyConfig = { file: resolve(file), dir, main, servers, clients };
  return { problems, config, files: reads.flatMap(fileRefs), secrets };
}

function fileRefs(read: ReadSection): FileRef[] {
  const refs: FileRef[] = [];
  for (const [name, v] of read.values) {
    const option = read.spec.options.find((o) => o.name === name);
    if (option?.type === 'file' && typeof v.value === 'string' && v.value !== '')
      refs.push({ path: v.value, line: v.line, section: read.name, option: v.key });
  }
  return refs;
}

function finish(a: Analysis): LoadResult {
  const errors = redactProblems(a.problems.errors, a.secrets).sort((x, y) => x.line - y.line);
  const warnings = redactProblems(a.problems.warnings, a.secrets).sort((x, y) => x.line - y.line);
  return errors.length > 0 ? { ok: false, problems: errors, warnings } : { ok: true, config: a.config, warnings };
}

/** Parses config text without touching the file system. `dir` resolves relative paths (default: the
 *  directory of `file`). */
export function parseConfigText(text: string, file: string, dir: string = dirname(resolve(file))): LoadResult {
  return finish(analyse(text, file, dir));
}

/** Reads and parses a config file, and checks that the files it names are readable. */
export function loadConfig(path: string): LoadResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    const problem: Problem = {
      file: path,
      line: 0,
      section: '',
      option: '',
      severity: 'error',
      message: `Config file missing or unreadable: ${path}`,
      fix: 'check the path given with -c and the file\'s permissions',
    };
    return { ok: false, problems: [problem], warnings: [] };
  }
  const analysis = analyse(text, path, dirname(resolve(path)));
  for (const ref of analysis.files) {
    try {
      accessSync(ref.path, constants.R_OK);
    } catch {
      analysis.problems.error(ref, `The ${ref.option} value provided is invalid.`, `no readable file at ${ref.path} (relative paths are resolved against the config file's directory)`);
    }
  }
  return finish(analysis);
}

/** Every problem of a config file, errors and warnings, in line order. */
export function checkConfig(path: string): Problem[] {
  const result = loadConfig(path);
  const all = result.ok ? result.warnings : [...result.problems, ...result.warnings];
  return all.sort((a, b) => a.line - b.line);
}
