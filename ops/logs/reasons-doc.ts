// docs/login-reasons.md, generated from the reason table (machines/login-reasons.ts) by `npm run gen:docs`.
import { LOGIN_REASONS, LOGIN_REASON_NAMES, type LoginOutcome } from '../../machines/login-reasons.ts';

const OUTCOME_HEADINGS: Record<LoginOutcome, string> = {
  accept: 'Accepted (Access-Accept)',
  reject: 'Rejected (Access-Reject)',
  challenge: 'Challenged (Access-Challenge; the login goes on under the same loginId)',
  drop: 'No answer (the device retransmits or tries another server)',
};

export function renderReasonDocs(): string {
  const out = [
    '<!-- Generated from machines/login-reasons.ts by `npm run gen:docs`; do not edit. -->',
    '# Why a login ended: the reasons',
    '',
    'Every answered request of a login gets one summary (the `login.summary` event on',
    '`authproxy.events.<server>.<loginId>`, the `"event":"login"` info line of the log, the',
    '`authproxy_logins_total{reason}` metric, the dashboard) with one of these `reason` values and a',
    '`reasonText` that adds the particulars: Duo\'s status text, the primary server\'s message, or how a Duo',
    'call failed (`Accepted by failmode safe: Duo preauth returned 503`). The list is closed: a new reason is',
    'added here, never renamed.',
    '',
  ];
  for (const outcome of Object.keys(OUTCOME_HEADINGS) as LoginOutcome[]) {
    out.push(`## ${OUTCOME_HEADINGS[outcome]}`, '', '| reason | meaning |', '|---|---|');
    for (const r of LOGIN_REASON_NAMES.filter((n) => LOGIN_REASONS[n].outcome === outcome)) out.push(`| \`${r}\` | ${LOGIN_REASONS[r].text} |`);
    out.push('');
  }
  return out.join('\n');
}
