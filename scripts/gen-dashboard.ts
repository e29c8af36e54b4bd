// Builds the dashboard page's script, dashboard/public/app.js, from dashboard/client/*.ts with esbuild
// (already installed: tsx runs on it). The bundle is committed, so the proxy serves it with nothing
// built at install or run time. Usage:
//   node --import tsx scripts/gen-dashboard.ts          write the bundle
//   node --import tsx scripts/gen-dashboard.ts --check  exit 1 if the committed bundle differs (drift)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'dashboard', 'public', 'app.js');
const HEADER = '// DO NOT EDIT: built from dashboard/client/*.ts by `npm run gen:dashboard`.\n';

const result = await build({
  entryPoints: [join(ROOT, 'dashboard', 'client', 'main.ts')],
  bundle: true,
  format: 'iife',
  target: 'es2022',
  platform: 'browser',
  charset: 'utf8',
  legalComments: 'none',
  write: false,
  logLevel: 'error',
});
const code = HEADER + result.outputFiles[0]!.text;

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(OUT, 'utf8');
  } catch {}
  if (committed !== code) {
    process.stderr.write('gen-dashboard: dashboard/public/app.js is not what dashboard/client builds to; run `npm run gen:dashboard`\n');
    process.exit(1);
  }
  process.stdout.write('gen-dashboard: page bundle up to date\n');
} else {
  writeFileSync(OUT, code);
  process.stdout.write(`gen-dashboard: wrote ${OUT} (${code.length} bytes)\n`);
}
