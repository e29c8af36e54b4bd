// `npm run build` (also `prepare`, which `npm ci` and `npm pack` run): compiles the product to dist/
// with tsc (tsconfig.build.json) and records which source files it came from in dist/build-info.json,
// so that bin/authproxy.js can tell a dist/ older than an edited source and run the sources instead.
// Files the code reads beside itself at run time (the dashboard's public/) are copied too.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { copyRuntimeAssets } from './build-assets.ts';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
// A clean dist: a module deleted from the sources must not linger in the build.
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(dist, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

const assets = copyRuntimeAssets(root, dist);

const copiedFiles = new Set(assets);
const sources: string[] = [];
const walk = (dir: string) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.js') && !copiedFiles.has(relative(dist, p))) sources.push(relative(dist, p).replace(/\.js$/, '.ts'));
  }
};
walk(dist);
// The dashboard page's files are served from beside the compiled dashboard module; listed as sources
// so that editing one makes this build stale too.
const pub = join(root, 'dashboard', 'public');
cpSync(pub, join(dist, 'dashboard', 'public'), { recursive: true });
for (const f of readdirSync(pub)) sources.push(join('dashboard', 'public', f));
sources.sort();
// Written last: its modification time is the build's time.
writeFileSync(join(dist, 'build-info.json'), `${JSON.stringify({ sources }, null, 1)}\n`);
console.log(`build: ${sources.length - assets.length} modules compiled to dist/, ${assets.length} run-time files copied`);
