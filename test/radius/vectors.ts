// Reader for the wire vectors in test/vectors/radius/*.txt (format: that folder's README.md). Shared by
// the table-driven runner and the property tests that use the vectors as seeds.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WireVector {
  readonly file: string;
  readonly name: string;
  readonly source: string;
  readonly kind: 'request' | 'reply';
  readonly secret: string;
  readonly requireMa: boolean;
  readonly limitProxyState: boolean;
  readonly requestAuthenticator: Buffer | undefined;
  readonly packet: Buffer;
  readonly expect: string;
  readonly expectPassword: string | undefined;
  readonly expectAttributes: { type: number; value: Buffer }[] | undefined;
}

export const VECTOR_DIR = new URL('../vectors/radius/', import.meta.url).pathname;

function parseBlock(file: string, block: string): WireVector {
  const fields = new Map<string, string>();
  let last = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    if (/^\s/.test(line)) {
      fields.set(last, `${fields.get(last)} ${line.trim()}`);
      continue;
    }
    const i = line.indexOf(':');
    if (i < 0) throw new Error(`${file}: bad line ${line}`);
    last = line.slice(0, i).trim();
    fields.set(last, line.slice(i + 1).trim());
  }
  const get = (k: string) => {
    const v = fields.get(k);
    if (v === undefined) throw new Error(`${file}: vector ${fields.get('vector')} lacks ${k}`);
    return v;
  };
  const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
  const packet = Buffer.concat([hex(get('packet')), Buffer.alloc(Number(fields.get('append-zeros') ?? 0))]);
  const attrs = fields.get('expect-attributes');
  const kind = get('kind');
  if (kind !== 'request' && kind !== 'reply') throw new Error(`${file}: bad kind ${kind}`);
  return {
    file,
    name: get('vector'),
    source: get('source'),
    kind,
    secret: get('secret'),
    requireMa: get('require-ma') === 'true',
    limitProxyState: fields.get('limit-proxy-state') === 'true',
    requestAuthenticator: fields.has('request-authenticator') ? hex(get('request-authenticator')) : undefined,
    packet,
    expect: get('expect'),
    expectPassword: fields.get('expect-password'),
    expectAttributes: attrs?.split(/\s+/).map((t) => {
      const [type, value] = t.split('=') as [string, string];
      return { type: Number(type), value: hex(value) };
    }),
  };
}

/** Every vector, files in name order (must-fail first), vectors in file order. */
export function loadVectors(): WireVector[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(VECTOR_DIR, f), 'utf8')
        .split(/\n\s*\n/)
        .filter((b) => b.split('\n').some((l) => l.trim() !== '' && !l.startsWith('#')))
        .map((b) => parseBlock(f, b)),
    );
}
