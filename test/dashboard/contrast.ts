// WCAG 2 contrast ratio of two CSS colours (`rgb(r, g, b)` / `rgba(...)` as getComputedStyle gives them).
export function parseRgb(css: string): [number, number, number, number] {
  const m = /rgba?\(([^)]+)\)/.exec(css);
  if (!m) throw new Error(`not an rgb colour: ${css}`);
  const [r, g, b, a] = m[1]!.split(',').map((x) => Number(x.trim()));
  return [r!, g!, b!, a ?? 1];
}

function luminance([r, g, b]: [number, number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(fg: string, bg: string): number {
  const [a, b] = [luminance(parseRgb(fg)), luminance(parseRgb(bg))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
