// DNS rebinding. Without dashboard_token the dashboard trusts whoever reaches its loopback port, but a
// web page of another site can reach it too: its own name is made to resolve to 127.0.0.1 after the
// page has loaded, and the browser then sends the page's requests, as same-origin ones, to the
// dashboard, with that other name in the Host header. So a dashboard without a token answers only
// requests addressed to a loopback address or to `localhost`. With a token this check is not needed
// (and not made: a reverse proxy may forward its own name): a rebound page has neither the token nor
// the cookie, which belongs to the name it was set for.
import { isIP } from 'node:net';
import { isLoopback } from '../config/section-checks.ts';

/** The name or address of a Host header without its port: `[::1]:8812` → `::1`, `localhost:8812` → `localhost`. */
export function hostOfHeader(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(1, end);
  }
  const colon = h.indexOf(':');
  // More than one colon without brackets is not a valid Host; it is kept whole and refused below.
  return colon >= 0 && h.indexOf(':', colon + 1) < 0 ? h.slice(0, colon) : h;
}

/** Whether a request with this Host header may be answered by a dashboard without a token. */
export function isLoopbackHostHeader(header: string | undefined): boolean {
  // Every browser sends Host (so does every HTTP/1.1 client: node:http answers 400 without it).
  if (header === undefined) return true;
  const host = hostOfHeader(header).replace(/\.$/, '');
  if (host === 'localhost') return true;
  return isIP(host) !== 0 && isLoopback(host);
}
