// bin/authproxy.js chooses between the compiled dist/ and the TypeScript sources (through tsx): dist
// when it is current, the sources when dist is missing or older than a source it was built from, and
// dist in an installed package, which ships no sources. Checked on a copy of the real bin in a temp
// directory whose "dist" and "sources" only say which of them ran.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeTempDir, removeTempDir } from '../harness/tmp.ts';

const root = join(import.meta.dirname, '..', '..');

test('bin – runs dist when current, the sources when dist is missing or stale, dist when no sources ship', async (t) => {
  const dir = await makeTempDir('bin');
  t.after(() => removeTempDir(dir));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'cli'));
  copyFileSync(join(root, 'bin', 'authproxy.js'), join(dir, 'bin', 'authproxy.js'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const source = join(dir, 'cli', 'main.ts');
  writeFileSync(source, "const from: string = 'sources';\nconsole.log(from);\n");
  const run = () => execFileSync(process.execPath, [join(dir, 'bin', 'authproxy.js')], { encoding: 'utf8' }).trim();

  assert.equal(run(), 'sources', 'no dist: the sources through tsx');

  mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'cli', 'main.js'), "console.log('dist');\n");
  const info = join(dir, 'dist', 'build-info.json');
  writeFileSync(info, JSON.stringify({ sources: ['cli/main.ts'] }));
  const past = new Date(Date.now() - 60_000);
  utimesSync(source, past, past);
  assert.equal(run(), 'dist', 'dist built after the last edit');

  const future = new Date(Date.now() + 60_000);
  utimesSync(source, future, future);
  assert.equal(run(), 'sources', 'a source edited after the build: dist is stale');

  rmSync(source);
  assert.equal(run(), 'dist', 'an installed package has no sources: dist');

  writeFileSync(info, 'not json');
  writeFileSync(source, "console.log('sources');\n");
  assert.equal(run(), 'sources', 'an unreadable build-info: the sources');
});
