// Feeds the counters from the login events of this process's engines (the same events its log lines,
// authevents.log and the dashboard read: one vocabulary, machines/login-events.ts), handed over by
// startProxy's onLoginEvent, engine threads included. Each process counts what it ran; a fleet's
// figure is the sum over its instances.
import type { ProxyMetrics } from './registry.ts';

/** The fields of the login events the metrics read (the vocabulary's summary, primary and Duo call
 *  events; transitions are ignored). */
export interface ObservedEvent {
  kind?: string;
  detail?: unknown;
}
interface Summary {
  server: string;
  mode: string;
  outcome: string;
  reason: string;
  final: boolean;
  ms: number;
}
interface PrimaryCall {
  client: string;
  ok: boolean;
  error?: boolean;
  drop?: boolean;
  aborted?: boolean;
}
interface DuoCall {
  endpoint: string;
  ok: boolean;
  ms: number;
  errorKind?: string;
  aborted?: boolean;
}

export function observeLoginEvent(m: ProxyMetrics, ev: ObservedEvent): void {
  switch (ev.kind) {
    case 'summary': {
      const d = ev.detail as Summary;
      // Every answered request counts (a challenge round as result="challenge"); the duration is the
      // whole login's, once, when it is over.
      m.logins.inc({ server: d.server, mode: d.mode, result: d.outcome, reason: d.reason });
      if (d.final) m.loginDuration.observe({ server: d.server, mode: d.mode }, d.ms / 1000);
      return;
    }
    case 'primary': {
      const d = ev.detail as PrimaryCall;
      m.primaryRequests.inc({ client: d.client, outcome: primaryOutcome(d) });
      return;
    }
    case 'duo': {
      const d = ev.detail as DuoCall;
      m.duoRequests.inc({ endpoint: d.endpoint, outcome: d.aborted ? 'aborted' : d.ok ? 'ok' : (d.errorKind ?? 'error') });
      m.duoDuration.observe({ endpoint: d.endpoint }, d.ms / 1000);
      return;
    }
  }
}

/** allow / reject / error / drop / aborted: a closed list, whatever the client said in words. */
export function primaryOutcome(d: PrimaryCall): string {
  if (d.aborted) return 'aborted';
  if (d.error) return 'error';
  if (d.drop) return 'drop';
  return d.ok ? 'allow' : 'reject';
}
