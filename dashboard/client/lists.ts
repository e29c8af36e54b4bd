// The two lists: logins in flight (with the time in their current state, ticking) and recent logins
// (filtered as the form says). Every row's user is a link to the login's trace: one click, or Tab + Enter.
import { isOpen } from '../trace-types.ts';
import type { LoginSummary } from './api.ts';
import { clock, duration, el, replaceRows } from './dom.ts';

export interface Filters {
  user: string;
  clientIp: string;
  server: string;
  outcome: string;
}

export function matches(l: LoginSummary, f: Filters): boolean {
  return (
    (!f.user || (l.user ?? '').toLowerCase() === f.user.toLowerCase()) &&
    (!f.clientIp || l.clientIp === f.clientIp) &&
    (!f.server || l.server === f.server) &&
    (!f.outcome || l.outcome === f.outcome)
  );
}

const traceLink = (l: LoginSummary) => el('a', { href: `#/login/${encodeURIComponent(l.loginId)}`, 'aria-label': `trace of ${l.user ?? 'unknown user'}'s login at ${clock(l.startedAt)}` }, l.user ?? '(no user)');
const outcomeBadge = (o: string) => el('span', { class: `outcome ${o}` }, o);

export function renderInFlight(tbody: HTMLElement, logins: LoginSummary[], now: number): void {
  const rows = logins.map((l) =>
    el('tr', { 'data-login': l.loginId }, el('td', {}, traceLink(l)), el('td', {}, l.clientIp), el('td', {}, l.server), el('td', {}, l.state), el('td', {}, duration(Math.max(0, now - Date.parse(l.stateSince))))),
  );
  replaceRows(tbody, rows, 'No login in flight.', 5);
}

export function renderRecent(tbody: HTMLElement, logins: LoginSummary[]): void {
  const rows = logins.map((l) =>
    el(
      'tr',
      { 'data-login': l.loginId, 'data-outcome': l.outcome },
      el('td', {}, clock(l.startedAt)),
      el('td', {}, traceLink(l)),
      el('td', {}, l.clientIp),
      el('td', {}, l.server),
      el('td', {}, outcomeBadge(l.outcome)),
      el('td', {}, l.reason ?? ''),
      el('td', {}, isOpen(l.outcome) ? '' : duration(l.ms)),
    ),
  );
  replaceRows(tbody, rows, 'No login matches.', 7);
}
