// Feeds the counters from the login events of this process's engines (the same events its log lines,
// authevents.log and the dashboard read: one vocabulary, machines/login-events.ts), handed over by
// startProxy's onLoginEvent, engine threads included. Each process counts what it ran; a fleet's
// figure is the sum over its instances.
import { type AnyLoginEvent, isDuoCallEvent, isPrimaryCallEvent, isSummaryEvent, type PrimaryCall } from '../../machines/login-events.ts';
import type { ProxyMetrics } from './registry.ts';

export function observeLoginEvent(m: ProxyMetrics, ev: AnyLoginEvent): void {
  if (isSummaryEvent(ev)) {
    const d = ev.detail;
    // Every answered request counts (a challenge round as result="challenge"); the duration is the
    // whole login's, once, when it is over.
    m.logins.inc({ server: d.server, mode: d.mode, result: d.outcome, reason: d.reason });
    if (d.final) m.loginDuration.observe({ server: d.server, mode: d.mode }, d.ms / 1000);
  } else if (isPrimaryCallEvent(ev)) {
    m.primaryRequests.inc({ client: ev.detail.client, outcome: primaryOutcome(ev.detail) });
  } else if (isDuoCallEvent(ev)) {
    const d = ev.detail;
    m.duoRequests.inc({ endpoint: d.endpoint, outcome: d.aborted ? 'aborted' : d.ok ? 'ok' : (d.errorKind ?? 'error') });
    m.duoDuration.observe({ endpoint: d.endpoint }, d.ms / 1000);
  }
}

/** allow / reject / error / drop / aborted: a closed list, whatever the client said in words. */
export function primaryOutcome(d: Pick<PrimaryCall, 'ok' | 'error' | 'drop' | 'aborted'>): string {
  if (d.aborted) return 'aborted';
  if (d.error) return 'error';
  if (d.drop) return 'drop';
  return d.ok ? 'allow' : 'reject';
}
