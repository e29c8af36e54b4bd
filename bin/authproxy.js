#!/usr/bin/env node
// The `authproxy` command. It runs the compiled JavaScript in dist/ (`npm run build`, which `npm ci`
// runs through `prepare` and which `npm pack` ships): no TypeScript compiler at start-up. From a
// checkout whose dist/ is missing, or older than a source file it was built from (an edit since the
// last build), it runs the TypeScript sources through tsx instead, so a developer never runs stale code.
import { readFileSync, statSync } from 'node:fs';

const distMain = new URL('../dist/cli/main.js', import.meta.url);
if (distIsCurrent()) {
  await import(distMain.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}

function distIsCurrent() {
  const info = new URL('../dist/build-info.json', import.meta.url);
  let built;
  let sources;
  try {
    built = statSync(info).mtimeMs;
    sources = JSON.parse(readFileSync(info, 'utf8')).sources;
  } catch {
    return false;
  }
  const root = new URL('../', import.meta.url);
  for (const s of sources) {
    // An installed package ships no sources: only an existing source can be newer than the build.
    const st = statSync(new URL(s, root), { throwIfNoEntry: false });
    if (st && st.mtimeMs > built) return false;
  }
  return true;
}
