// authevents.log in Duo's format (reference §15 "Files and destinations", "Auth-event messages by
// situation", §12 "Log events written by primary_auth"), so that SIEM parsers of Duo's file read ours:
// one Python-json.dumps object per line, keys in Duo's order. Lines come from a login's events
// (machines/login-events.ts) as they happen: the primary call, the preauth and /auth answers, and the
// summary for what no call says (failmode, unknown State, primary-only).
import type { AnyLoginEvent } from '../../machines/login-events.ts';
import { Messages } from '../../machines/messages.ts';
import { pyJsonObject, pyUtcTimestamp } from './py-json.ts';

export type AuthStage = 'Primary authentication' | 'Secondary authentication' | 'Unknown';
export type AuthStatus = 'Allow' | 'Reject' | 'Error';

export interface AuthEvent {
  at: number;
  msg: string;
  username: string | null;
  stage: AuthStage;
  status: AuthStatus;
  clientIp: string;
  server: string;
  ikey: string | null;
  /** Duo writes it for challenge-mode answers (and LDAP) only; null otherwise. */
  factor: string | null;
  hostname: string;
}

/** One line, '\n' included. */
export function formatAuthEvent(e: AuthEvent): string {
  return `${pyJsonObject([
    ['timestamp', pyUtcTimestamp(e.at)],
    ['msg', e.msg],
    ['username', e.username],
    ['auth_stage', e.stage],
    ['status', e.status],
    ['client_ip', e.clientIp],
    ['server_section', e.server],
    ['server_section_ikey', e.ikey],
    ['factor', e.factor],
    ['hostname', e.hostname],
  ])}\n`;
}

/** What a server section adds to its lines. */
export interface SectionFacts {
  ikey: string;
  mode: string;
}

const PRIMARY: AuthStage = 'Primary authentication';
const SECONDARY: AuthStage = 'Secondary authentication';

/** The auth events (0, 1 or 2) a login event stands for. */
export function authEventsOf(ev: AnyLoginEvent, section: SectionFacts | undefined, hostname: string): AuthEvent[] {
  const base = { at: Date.parse(ev.at), username: ev.user ?? null, clientIp: ev.clientIp, server: ev.server, ikey: section?.ikey ?? null, factor: null, hostname };
  const line = (stage: AuthStage, status: AuthStatus, msg: string, factor: string | null = null): AuthEvent[] => [{ ...base, stage, status, msg, factor }];
  if (ev.kind === 'primary') {
    const p = ev.detail;
    if (p.aborted || p.drop) return [];
    if (p.ok) return line(PRIMARY, 'Allow', `Primary authentication successful - ${p.message}`);
    // The primary clients' own errors already read "Error performing primary authentication: <err>".
    if (p.error || p.message.startsWith(Messages.primaryErrorPrefix)) return line(PRIMARY, 'Error', p.message);
    return line(PRIMARY, 'Reject', `Primary credentials rejected - ${p.message}`);
  }
  if (ev.kind === 'duo') {
    const d = ev.detail;
    if (!d.ok) return []; // the summary says how failmode decided
    if (d.endpoint === 'preauth') {
      if (d.result === 'allow') return line(SECONDARY, 'Allow', d.status ?? '');
      if (d.result === 'deny') return line(SECONDARY, 'Reject', d.status ?? '');
      if (d.result === 'enroll') return line(SECONDARY, 'Reject', 'User is not enrolled. Enrollment link sent.');
      return [];
    }
    const factor = section?.mode === 'radius_server_challenge' ? (d.factor ?? null) : null;
    return line(SECONDARY, d.result === 'allow' ? 'Allow' : 'Reject', d.status ?? '', factor);
  }
  if (ev.kind === 'summary') {
    const s = ev.detail;
    switch (s.reason) {
      case 'failmode_safe_allow':
        return line(SECONDARY, 'Allow', Messages.failmodeSafe);
      case 'failmode_secure_reject':
      case 'duo_error':
      case 'duo_timeout':
        return line(SECONDARY, 'Reject', Messages.failmodeSecure);
      case 'primary_only':
        return line(SECONDARY, 'Allow', Messages.primaryOnly);
      case 'unknown_challenge':
        // Duo's text goes on with the State's bytes; a State never goes into a log here.
        return line('Unknown', 'Reject', 'Response to unknown AccessChallenge!');
      default:
        return [];
    }
  }
  return [];
}
