// Files the compiled code reads at run time next to its own module (import.meta.dirname), which tsc
// does not emit: every `public/` directory beside a compiled module (the dashboard's page, style and
// script) is copied to the same place under dist/.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Copies each `<dir>/public` whose `<dir>` has compiled modules in dist; returns the copied files,
 *  relative to root (bin/authproxy.js checks them for edits newer than the build, as the sources). */
export function copyRuntimeAssets(root: string, dist: string): string[] {
  const copied: string[] = [];
  const walk = (out: string) => {
    for (const e of readdirSync(out, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const built = join(out, e.name);
      const source = join(root, relative(dist, built));
      const assets = join(source, 'public');
      if (existsSync(assets) && !existsSync(join(built, 'public'))) {
        cpSync(assets, join(built, 'public'), { recursive: true });
        copied.push(...filesUnder(assets).map((f) => relative(root, f)));
      }
      walk(built);
    }
  };
  walk(dist);
  return copied;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}
