// Writes the generated docs: docs/configuration.md from the option table (config/options.ts) and
// docs/login-reasons.md from the reason table (machines/login-reasons.ts). With --check, writes nothing
// and exits 1 when a committed file differs from what its table gives (CI runs `npm run gen:check`).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigDocs } from '../config/docs.ts';
import { renderReasonDocs } from '../ops/logs/reasons-doc.ts';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs');
const targets: [file: string, source: string, text: string][] = [
  ['configuration.md', 'config/options.ts', renderConfigDocs()],
  ['login-reasons.md', 'machines/login-reasons.ts', renderReasonDocs()],
];

let stale = 0;
for (const [file, source, wanted] of targets) {
  const target = join(docs, file);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing counts as different
    }
    if (current !== wanted) {
      console.error(`docs/${file} is out of date with ${source}: run \`npm run gen:docs\` and commit it`);
      stale++;
    }
  } else {
    writeFileSync(target, wanted);
    console.log(`wrote ${target}`);
  }
}
if (stale > 0) process.exit(1);
