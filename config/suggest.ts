// "Did you mean ...?" for unknown option names: the closest known name by edit distance
// (optimal string alignment, so a swapped pair of letters counts as one edit).
import { SECTIONS, type SectionSpec } from './options.ts';

export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Known names of a section type; numbered ones written with the key's own number (or 1). */
function candidates(spec: SectionSpec, key: string): string[] {
  const n = /(\d+)$/.exec(key)?.[1] ?? '1';
  return spec.options.map((o) => (o.numbered ? o.name.replace(/N$/, n) : o.name));
}

/** The closest known option name, if close enough to be a likely typo. */
export function closestOption(spec: SectionSpec, key: string): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates(spec, key)) {
    const d = editDistance(key, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  const limit = key.length >= 12 ? 3 : key.length >= 5 ? 2 : 1;
  return bestD <= limit ? best : undefined;
}

/** Section types (other than `except`) that do read this exact key. */
export function sectionsReading(key: string, except: string): string[] {
  return Object.entries(SECTIONS)
    .filter(([type, spec]) => type !== except && (spec as SectionSpec).options.some((o) => !o.numbered && o.name === key))
    .map(([type]) => type);
}
