import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderConfigDocs } from '../../config/docs.ts';
import { SECTIONS, type SectionSpec } from '../../config/options.ts';

const DOC = join(import.meta.dirname, '..', '..', 'docs', 'configuration.md');

test('config docs – docs/configuration.md is what the option table generates (npm run gen:docs)', () => {
  assert.equal(readFileSync(DOC, 'utf8'), renderConfigDocs());
});

test('config docs – every option of every section is documented, with its default', () => {
  const doc = renderConfigDocs();
  for (const [type, spec] of Object.entries(SECTIONS) as [string, SectionSpec][]) {
    const part = doc.split(`## [${type}]`)[1]!.split('\n## ')[0]!;
    for (const o of spec.options) {
      const row = part.split('\n').find((l) => l.startsWith(`| \`${o.name}\` |`));
      assert.ok(row, `${type} ${o.name}`);
      if (o.default !== undefined && o.default !== '') assert.ok(row.includes(`\`${String(o.default)}\``), `${type} ${o.name} default`);
      assert.ok(row.includes(o.help.replace(/\|/g, '\\|')), `${type} ${o.name} help`);
    }
  }
});
