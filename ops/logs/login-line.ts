// The one info line of each answered request of a login (issue 11 §1): who, from where, which factor,
// the outcome and the machine-readable reason with its words, Duo's txid and where the time went. It
// answers "why was alice rejected at 09:14?" without debug logging. Built from the login's summary
// event (machines/login-events.ts), so it says what the metrics and the dashboard say.
import { REPLY_CODE_NAMES } from '../../machines/contracts.ts';
import type { LoginSummary } from '../../machines/login-events.ts';

/** The fields of the line (`event: 'login'`); `result` keeps the RADIUS answer's name, or `drop`. */
export function loginLine(s: LoginSummary): { fields: Record<string, unknown>; message: string } {
  const fields: Record<string, unknown> = {
    event: 'login',
    loginId: s.loginId,
    server: s.server,
    mode: s.mode,
    clientIp: s.clientIp,
    user: s.user,
    factor: s.factor,
    result: s.code === undefined ? 'drop' : (REPLY_CODE_NAMES[s.code] ?? `code ${s.code}`),
    outcome: s.outcome,
    reason: s.reason,
    rounds: s.rounds,
    ms: s.ms,
    primaryMs: s.primaryMs,
    preauthMs: s.preauthMs,
    authMs: s.authMs,
  };
  if (s.txid !== undefined) fields.txid = s.txid;
  if (!s.final) fields.final = false;
  return { fields, message: s.reasonText };
}
