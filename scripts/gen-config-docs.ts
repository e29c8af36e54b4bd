// Writes docs/configuration.md from the option table (config/options.ts). With --check, writes nothing
// and exits 1 when the committed file differs from what the table gives (CI runs `npm run gen:check`).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigDocs } from '../config/docs.ts';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'configuration.md');
const wanted = renderConfigDocs();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as different
  }
  if (current !== wanted) {
    console.error('docs/configuration.md is out of date with config/options.ts: run `npm run gen:docs` and commit it');
    process.exit(1);
  }
} else {
  writeFileSync(target, wanted);
  console.log(`wrote ${target}`);
}
