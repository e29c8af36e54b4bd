// The dashboard's HTTP server (node:http; a handful of read-only routes need no framework):
//   /                 the page (dashboard/public: every asset ships in the package, nothing from a CDN)
//   /login            the sign-in form when dashboard_token is set
//   /api/logins       recent and in-flight logins, newest first   (?user=&clientIp=&server=&outcome=&limit=)
//   /api/logins/<id>  the trace of one login
//   /api/events       Server-Sent Events: what changed, twice a second at most
//   /api/servers      the server sections;  /api/diagram/<server>: its diagram (SVG + DOM id maps)
//   /api/status       the dashboard's own counters
// Every answer carries a CSP without inline scripts; API answers are never cached. Without a token, a
// request addressed to another name than a loopback one is refused (DNS rebinding, host-check.ts).
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { isAuthorized, sessionCookie, tokenMatches } from './auth.ts';
import { isLoopbackHostHeader } from './host-check.ts';
import { parseLoginQuery } from './query.ts';
import type { DashboardState } from './state.ts';

const PUBLIC = join(import.meta.dirname, 'public');
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const files = new Map<string, Buffer>();
function publicFile(name: string): Buffer {
  let b = files.get(name);
  if (!b) files.set(name, (b = readFileSync(join(PUBLIC, name))));
  return b;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), { 'Cache-Control': 'no-store' });

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(res: ServerResponse, message: string, status = 200): void {
  const html = publicFile('login.html').toString('utf8').replace('<!--MESSAGE-->', message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : '');
  send(res, status, 'text/html; charset=utf-8', html, { 'Cache-Control': 'no-store' });
}

async function readForm(req: IncomingMessage, max = 4096): Promise<URLSearchParams | undefined> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > max) return undefined;
  }
  return new URLSearchParams(body);
}

export async function handleRequest(req: IncomingMessage, res: ServerResponse, s: DashboardState): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://dashboard');
  const path = url.pathname;
  const token = s.token;
  // Without a token, only requests addressed to this host by a loopback name (DNS rebinding: host-check.ts).
  if (!token && !isLoopbackHostHeader(req.headers.host))
    return json(res, 403, { error: 'this dashboard has no dashboard_token, so it answers only requests addressed to 127.0.0.1, [::1] or localhost; set dashboard_token to reach it under another name' });

  if (path === '/login' && token) {
    if (req.method === 'POST') {
      const form = await readForm(req);
      const typed = form?.get('token') ?? '';
      if (typed && tokenMatches(typed, token)) {
        res.writeHead(303, { ...SECURITY_HEADERS, Location: '/', 'Set-Cookie': sessionCookie(token), 'Cache-Control': 'no-store' });
        res.end();
      } else {
        loginPage(res, 'That token is not right.', 401);
      }
      return;
    }
    if (req.method === 'GET') return loginPage(res, '');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'the dashboard is read-only: GET only' });
  // The stylesheet styles the sign-in form too: it holds nothing about logins.
  if (path === '/app.css') return send(res, 200, STATIC[path]!.type, publicFile(STATIC[path]!.file), { 'Cache-Control': 'no-cache' });

  if (!isAuthorized(req, token)) {
    if (path.startsWith('/api/')) return json(res, 401, { error: 'send Authorization: Bearer <dashboard_token>, or sign in at /login' });
    res.writeHead(303, { ...SECURITY_HEADERS, Location: '/login', 'Cache-Control': 'no-store' });
    res.end();
    return;
  }

  const asset = STATIC[path];
  if (asset) return send(res, 200, asset.type, publicFile(asset.file), { 'Cache-Control': 'no-cache' });
  if (path === '/favicon.ico') return send(res, 204, 'text/plain', '');

  if (path === '/api/logins') {
    const parsed = parseLoginQuery(url.searchParams);
    if (!parsed.ok) return json(res, 400, { error: parsed.error });
    return json(res, 200, s.store.list(parsed.query));
  }
  const one = /^\/api\/logins\/([A-Za-z0-9_-]{1,100})$/.exec(path);
  if (one) {
    const trace = s.store.get(one[1]!);
    return trace ? json(res, 200, trace) : json(res, 404, { error: 'no such login (unknown, or older than the dashboard keeps)' });
  }
  if (path === '/api/events') {
    s.hub.attach(res, [
      { event: 'hello', data: { servers: s.servers, windowS: s.windowS } },
      { event: 'update', data: { logins: [], counts: s.counts.read(), at: new Date().toISOString() } },
    ]);
    return;
  }
  if (path === '/api/servers') return json(res, 200, s.servers);
  const diagram = /^\/api\/diagram\/([^/]+)$/.exec(path);
  if (diagram) {
    const name = safeDecode(diagram[1]!);
    const server = s.servers.find((x) => x.name === name);
    if (!server) return json(res, 404, { error: 'no such server section' });
    return json(res, 200, await s.diagram(server.mode));
  }
  if (path === '/api/status') return json(res, 200, s.status());
  return json(res, 404, { error: 'not found' });
}

/** A path segment decoded, or undefined when its %-escapes are broken (then no section matches). */
function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
