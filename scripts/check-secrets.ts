// After the test suite (scripts/test.sh): no test secret in the suite's output or in any file the tests
// left in their temporary folder. The secrets are the tests' own constants (`SKEY = '…'`, `SECRET = '…'`,
// `PASSCODE`, `PASSWORD`...; six characters or more), found in test/ so that a new test's secrets are
// covered without a list to keep. Exit 1 with each finding, 0 when clean.
//   node --import tsx scripts/check-secrets.ts OUTPUT_FILE [DIR...]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSTANT = /\b([A-Z_]*(?:SKEY|SECRET|PASSCODE|PASSWORD)[A-Z0-9_]*)\s*=\s*'([^'\\]{6,})'/g;

/** The secrets the test sources define (names starting BAD_ are expected outcomes, not secrets). */
export function testSecrets(sources: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of sources) for (const m of text.matchAll(CONSTANT)) if (!m[1]!.startsWith('BAD_')) found.add(m[2]!);
  return [...found].sort();
}

/** Each secret found in the text, with the line it is on. */
export function findSecrets(text: string, secrets: readonly string[]): { secret: string; line: string }[] {
  const hits: { secret: string; line: string }[] = [];
  for (const secret of secrets) {
    let at = text.indexOf(secret);
    while (at >= 0) {
      const start = text.lastIndexOf('\n', at) + 1;
      const end = text.indexOf('\n', at);
      hits.push({ secret, line: text.slice(start, end < 0 ? undefined : end).slice(0, 300) });
      at = text.indexOf(secret, at + secret.length);
    }
  }
  return hits;
}

/** tsx's compile cache (`tsx-<uid>` in the temporary folder): copies of the test sources themselves,
 *  which define the secrets; not something a test wrote. */
const TSX_CACHE = /^tsx-\d+$/;

function files(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    // tsx's compile cache holds the test sources themselves, secrets and all.
    if (/^tsx-\d+$/.test(n)) continue;
    const p = join(dir, n);
    const s = statSync(p, { throwIfNoEntry: false });
    if (s?.isDirectory() && TSX_CACHE.test(n)) continue;
    if (s?.isDirectory()) files(p, out);
    else if (s?.isFile() && s.size < 50_000_000) out.push(p);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const sources = files(join(root, 'test')).filter((p) => p.endsWith('.ts')).map((p) => readFileSync(p, 'utf8'));
  const secrets = testSecrets(sources);
  const [output, ...dirs] = process.argv.slice(2);
  const targets = [...(output ? [output] : []), ...dirs.flatMap((d) => files(d))];
  let bad = 0;
  for (const t of targets) {
    for (const hit of findSecrets(readFileSync(t, 'latin1'), secrets)) {
      bad++;
      if (bad <= 50) console.error(`check-secrets: ${t}: test secret ${JSON.stringify(hit.secret)} in: ${hit.line}`);
    }
  }
  // Silent when clean: the test runner's closing lines stay the last of the run.
  if (bad > 0) console.error(`check-secrets: ${bad} test secret(s) found in ${targets.length} files searched for ${secrets.length} secrets`);
  process.exit(bad === 0 ? 0 : 1);
}
