// Who may read the dashboard. Without dashboard_token (allowed on a loopback address only) anyone who
// can reach the port; with it, a request carrying `Authorization: Bearer <token>` or the session cookie
// that the sign-in form sets. The cookie holds an HMAC of the token, never the token itself.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'authproxy_dashboard';

const digest = (s: string) => createHash('sha256').update(s).digest();
/** Compares through fixed-length digests: constant time whatever the lengths. */
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('authproxy dashboard session v1').digest('base64url');
}

/** The value of one cookie of the request (undefined when absent). */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function isAuthorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && same(auth.slice(7).trim(), token)) return true;
  const cookie = cookieOf(req.headers.cookie, COOKIE);
  return cookie !== undefined && same(cookie, sessionValue(token));
}

/** The token typed into the sign-in form, when it is right. */
export function tokenMatches(typed: string, token: string): boolean {
  return same(typed, token);
}

export function sessionCookie(token: string): string {
  // HttpOnly: page scripts never see it; SameSite=Strict: no other site's page sends it.
  return `${COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200`;
}
