// The trace of one login: why it ended as it did (the reason in words first), then every transition
// with its time and duration, the primary result, each Duo call, the challenge rounds and the reply.
import type { LoginTrace } from './api.ts';
import { byId, clock, duration, el, replaceRows } from './dom.ts';

export function renderTrace(t: LoginTrace): void {
  byId('trace-title').textContent = `Login of ${t.user ?? '(no user)'} from ${t.clientIp} on ${t.server}, ${clock(t.startedAt)}`;
  const reason = byId('trace-reason');
  reason.className = `reason ${t.outcome}`;
  reason.textContent = t.reasonText ?? (t.outcome === 'in-flight' ? `In flight: now in ${t.state}` : t.outcome === 'challenge' ? 'Challenged: waiting for the answer' : `${t.outcome}${t.reason ? ` (${t.reason})` : ''}`);

  const facts: [string, string][] = [
    ['Outcome', t.outcome],
    ['Reason', t.reason ?? '—'],
    ['Section', `${t.server}${t.mode ? ` (${t.mode})` : ''}`],
    ['Client IP', t.clientIp],
    ['Started', new Date(t.startedAt).toLocaleString()],
    ['Took', duration(t.ms)],
    ['Login id', t.loginId],
  ];
  byId('trace-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));

  const t0 = Date.parse(t.startedAt);
  replaceRows(
    byId('trace-timeline'),
    t.transitions.map((s) =>
      el(
        'tr',
        {},
        el('td', {}, clock(s.at)),
        el('td', {}, String(Date.parse(s.at) - t0)),
        el('td', {}, s.state, s.via?.length ? el('span', { class: 'muted' }, ` via ${s.via.join(' → ')}`) : ''),
        el('td', {}, s.event),
        el('td', {}, s.ms === undefined ? '' : duration(s.ms)),
      ),
    ),
    'No transition recorded.',
    5,
  );

  const p = t.primary;
  byId('trace-primary').textContent = p
    ? `${p.dropped ? 'No answer asked' : p.ok ? 'Accepted' : p.error ? 'Could not be done' : 'Rejected'}${p.client ? ` [${p.client}]` : ''}${p.host ? ` by ${p.host}` : ''}${p.ms !== undefined ? ` in ${duration(p.ms)}` : ''}${p.message ? `: ${p.message}` : ''}`
    : 'None in this login (duo_only, or it ended before).';

  replaceRows(
    byId('trace-duo'),
    t.duo.map((d) =>
      el('tr', {}, el('td', {}, `${d.endpoint}${d.factor ? ` (${d.factor})` : ''}`), el('td', {}, d.httpStatus === undefined ? '' : String(d.httpStatus)), el('td', {}, d.ms === undefined ? '' : duration(d.ms)), el('td', {}, `${d.result ?? ''}${d.aborted ? ' (stopped: the login ended first)' : ''}`), el('td', {}, d.status ?? ''), el('td', {}, d.txid ?? '')),
    ),
    'No Duo call.',
    6,
  );

  const rounds = byId('trace-rounds');
  rounds.replaceChildren(
    ...(t.rounds.length
      ? t.rounds.map((r) => el('li', {}, `${clock(r.at)}${r.kind ? ` (${r.kind} challenge)` : ''}: prompt shown`, el('pre', { class: 'prompt' }, r.prompt), r.answerKind ? `answered with a ${r.answerKind}` : 'no answer yet'))
      : []),
  );
  byId('trace-no-rounds').hidden = t.rounds.length > 0;
  byId('trace-reply').textContent = t.reply ? `${t.reply.code}${t.reply.message ? `: “${t.reply.message}”` : ''}` : 'Not answered yet.';
  if (t.truncated) byId('trace-reply').append(el('span', { class: 'muted' }, ' (the trace was too long: its oldest entries are not kept)'));
}
