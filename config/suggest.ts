// "Did you mean ...?" for unknown option names: the closest known name by edit distance
// (optimal string alignment, so a swapped pair of letters counts as one edit).
import { SECTIONS, type SectionSpec } from './options.ts';

export function editDistance(a: string, b: string): number {
  return editDistanceWithin(a, b, Number.POSITIVE_INFINITY);
}

/**
 * The distance when it is at most `max`, else `max + 1`, in bounded work (issue 15 §7: a 1 MB unknown
 * key took 36 s and 1.1 GB with the full table). Lengths that differ by more than `max` need no table
 * at all; otherwise three rolling rows (the transposition looks two rows back), O(|b|) memory.
 */
export function editDistanceWithin(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      row[j] = v;
    }
    [prev2, prev, row] = [prev, row, prev2];
  }
  const d = prev[b.length]!;
  return d <= max ? d : max + 1;
}

/** Known names of a section type; numbered ones written with the key's own number (or 1). */
function candidates(spec: SectionSpec, key: string): string[] {
  const n = /(\d+)$/.exec(key)?.[1] ?? '1';
  return spec.options.map((o) => (o.numbered ? o.name.replace(/N$/, n) : o.name));
}

/** The closest known option name, if close enough to be a likely typo. */
export function closestOption(spec: SectionSpec, key: string): string | undefined {
  const limit = key.length >= 12 ? 3 : key.length >= 5 ? 2 : 1;
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates(spec, key)) {
    const d = editDistanceWithin(key, c, limit);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= limit ? best : undefined;
}

/** Section types (other than `except`) that do read this exact key. */
export function sectionsReading(key: string, except: string): string[] {
  return Object.entries(SECTIONS)
    .filter(([type, spec]) => type !== except && (spec as SectionSpec).options.some((o) => !o.numbered && o.name === key))
    .map(([type]) => type);
}
