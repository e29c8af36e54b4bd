// The floor under the memory of a login waiting on a push: a bare TLS client connection to the mock Duo,
// held open, as every waiting login holds one (HTTP/1.1: one request in flight per connection, and /auth
// answers only when the user does). N connections are opened in a fresh Node process with nothing else
// in it (no HTTP client, no actor); the RSS they add, per connection, is what Node's TLS itself costs.
//
//   node --expose-gc --import tsx bench/lib/tls-floor.ts PORT CA_FILE [N]   (prints one JSON line)
//
// Why it is this large: Node sets no SSL_MODE_RELEASE_BUFFERS, so OpenSSL keeps each connection's read
// and write record buffers (~34 KiB, OpenSSL's own figure for that mode) while the connection idles, and
// Node offers no way to set SSL modes from JavaScript.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { connectRaw } from './raw-duo-exchange.ts';

const rss = () => Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4096;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const settle = async () => {
  gc();
  await new Promise((r) => setTimeout(r, 300));
  gc();
};

export async function tlsFloor(port: number, caFile: string, n: number): Promise<{ n: number; rssPerConnectionKiB: number; heapPerConnectionKiB: number }> {
  const secureContext = tls.createSecureContext({ ca: readFileSync(caFile, 'utf8') });
  const sockets: tls.TLSSocket[] = [];
  // Opened as the raw Duo exchanges open theirs (and as undici does): the same connection a waiting login holds.
  const open = async () => {
    sockets.push(await connectRaw(port, secureContext));
  };
  const openMany = async (k: number) => {
    for (let i = 0; i < k; i += 50) await Promise.all(Array.from({ length: Math.min(50, k - i) }, open));
  };
  try {
    await openMany(100); // warm: code, the context, the allocator's first arenas
    await settle();
    const [r0, h0] = [rss(), process.memoryUsage().heapUsed];
    await openMany(n);
    await settle();
    const [r1, h1] = [rss(), process.memoryUsage().heapUsed];
    return { n, rssPerConnectionKiB: (r1 - r0) / n / 1024, heapPerConnectionKiB: (h1 - h0) / n / 1024 };
  } finally {
    for (const s of sockets) s.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [port, ca, n] = process.argv.slice(2);
  console.log(JSON.stringify(await tlsFloor(Number(port), ca!, Number(n ?? 5000))));
}
