// The build copies the files the compiled code reads beside itself (a `public/` directory next to
// compiled modules, e.g. the dashboard's page) into dist/, and lists them for bin's freshness check.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { copyRuntimeAssets } from '../../scripts/build-assets.ts';
import { makeTempDir, removeTempDir } from '../harness/tmp.ts';

test('build – public/ beside compiled modules is copied into dist and listed; other directories are not', async (t) => {
  const root = await makeTempDir('build-assets');
  t.after(() => removeTempDir(root));
  const dist = join(root, 'dist');
  mkdirSync(join(root, 'dashboard', 'public', 'img'), { recursive: true });
  writeFileSync(join(root, 'dashboard', 'public', 'index.html'), '<p>page</p>');
  writeFileSync(join(root, 'dashboard', 'public', 'img', 'logo.svg'), '<svg/>');
  mkdirSync(join(root, 'test', 'public'), { recursive: true });
  writeFileSync(join(root, 'test', 'public', 'x.txt'), 'not built');
  mkdirSync(join(dist, 'dashboard'), { recursive: true });
  writeFileSync(join(dist, 'dashboard', 'server.js'), '');

  const copied = copyRuntimeAssets(root, dist).sort();

  assert.deepEqual(copied, [join('dashboard', 'public', 'img', 'logo.svg'), join('dashboard', 'public', 'index.html')]);
  assert.equal(readFileSync(join(dist, 'dashboard', 'public', 'index.html'), 'utf8'), '<p>page</p>');
  assert.equal(readFileSync(join(dist, 'dashboard', 'public', 'img', 'logo.svg'), 'utf8'), '<svg/>');
});
