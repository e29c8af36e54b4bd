// Gives each INI section its type (reference §1: lowercased name, trailing digits stripped), reads it
// against the table, runs its own checks, and sorts the result into [main], servers and clients.
// Unknown types are Duo's `Invalid module`; types Duo has but we do not run yet are errors too.
import type { IniResult } from './ini.ts';
import { isSectionType, SECTIONS, sectionTypeOf, UNSUPPORTED_SECTIONS } from './options.ts';
import type { ProblemList } from './problems.ts';
import { checkAdClient, checkMain, checkRadiusClient, checkServerSection } from './section-checks.ts';
import { type ReadSection, readSection } from './section-reader.ts';
import { editDistanceWithin } from './suggest.ts';

export interface TypedSections {
  main: ReadSection | undefined;
  /** In file order. */
  servers: ReadSection[];
  clients: Map<string, ReadSection>;
  /** Every section name of the file (any type), in file order: client resolution counts them all. */
  names: string[];
}

/** ConfigParser's default section: its keys are inherited by every section. */
const DEFAULT_SECTION = 'DEFAULT';

export function typeSections(ini: IniResult, dir: string, problems: ProblemList): TypedSections {
  const out: TypedSections = { main: undefined, servers: [], clients: new Map(), names: [] };
  const inherited = ini.sections.find((s) => s.name === DEFAULT_SECTION)?.entries ?? [];
  let unusable = 0;
  for (const section of ini.sections) {
    if (section.name === DEFAULT_SECTION) continue;
    out.names.push(section.name);
    const at = { line: section.line, section: section.name };
    const type = sectionTypeOf(section.name);
    if (section.name.toLowerCase() === 'main') {
      out.main = readSection(section, 'main', SECTIONS.main, dir, problems, inherited);
      checkMain(out.main, problems);
      continue;
    }
    if (Object.hasOwn(UNSUPPORTED_SECTIONS, type)) {
      const what = UNSUPPORTED_SECTIONS[type as keyof typeof UNSUPPORTED_SECTIONS];
      problems.error(at, `[${type}] sections (${what}) are not supported by authproxy yet`, "remove the section or use Duo's proxy for it");
      unusable++;
      continue;
    }
    if (!isSectionType(type) || type === 'main') {
      problems.error(at, `Invalid module: '${section.name}'`, invalidModuleFix(section.name, type));
      unusable++;
      continue;
    }
    const spec = SECTIONS[type];
    const read = readSection(section, type, spec, dir, problems, inherited);
    switch (spec.kind) {
      case 'server':
        checkServerSection(read, problems);
        out.servers.push(read);
        break;
      case 'client':
        if (type === 'ad_client') checkAdClient(read, problems);
        if (type === 'radius_client') checkRadiusClient(read, problems);
        out.clients.set(section.name, read);
        break;
    }
  }
  if (out.servers.length === 0 && out.clients.size === 0 && unusable === 0 && ini.sections.length > 0) {
    problems.error({ line: 0, section: '' }, 'No integrations in config file.', 'add a server section such as [radius_server_auto] and its client section such as [ad_client]');
  } else if (out.servers.length === 0 && out.clients.size > 0) {
    problems.warn({ line: 0, section: '' }, 'No server section: the proxy will not listen for anything', 'add a server section such as [radius_server_auto]');
  }
  return out;
}

function invalidModuleFix(name: string, type: string): string {
  if (name.trim() !== name) return `remove the spaces inside the brackets: [${name.trim()}]`;
  const known = [...Object.keys(SECTIONS).filter((t) => t !== 'main'), ...Object.keys(UNSUPPORTED_SECTIONS)];
  const close = known.map((t) => ({ t, d: editDistanceWithin(type, t, 3) })).sort((a, b) => a.d - b.d)[0];
  if (close && close.d <= 3) return `did you mean [${close.t}]? (a number may follow, e.g. [${close.t}2])`;
  return 'name it after a section type, e.g. radius_server_auto, radius_server_challenge, radius_server_duo_only, radius_server_concat, ad_client, radius_client, duo_only_client (a number may follow)';
}
