// Is a PNG screenshot blank? Inflates its image data (node:zlib) and counts distinct pixel bytes: a
// blank (one-colour) page filters down to a handful of values, any real page to many.
import { inflateSync } from 'node:zlib';

export function pngStats(png: Buffer): { width: number; height: number; distinctBytes: number } {
  if (png.subarray(0, 8).toString('latin1') !== '\x89PNG\r\n\x1a\n') throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  for (let off = 8; off < png.length; ) {
    const len = png.readUInt32BE(off);
    const type = png.subarray(off + 4, off + 8).toString('latin1');
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const seen = new Set<number>();
  for (let i = 0; i < raw.length && seen.size < 256; i += 7) seen.add(raw[i]!);
  return { width, height, distinctBytes: seen.size };
}
