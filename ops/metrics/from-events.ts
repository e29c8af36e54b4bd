// Feeds the counters from the login events of this process's engines (the same events its log lines,
// authevents.log and the dashboard read: one vocabulary, machines/login-events.ts), handed over by
// startProxy's onLoginEvent, engine threads included. Each process counts what it ran; a fleet's
// figure is the sum over its instances.
import { type AnyLoginEvent, isDuoCallEvent, isPrimaryCallEvent, isSummaryEvent, type PrimaryCall } from '../../machines/login-events.ts';
import type { ProxyMetrics } from './registry.ts';

/** The feed of one registry: (event) => counters moved. The labelled children are kept per label
 *  values (a closed set: sections, modes, reasons, endpoints), so a login costs a few map lookups and
 *  additions, not prom-client's hashing of a labels object per call. */
export function loginEventFeed(m: ProxyMetrics): (ev: AnyLoginEvent) => void {
  const children = new Map<string, { inc(): void } | { observe(v: number): void }>();
  const child = <T>(key: string, make: () => T): T => {
    let c = children.get(key) as T | undefined;
    if (c === undefined) children.set(key, (c = make()) as never);
    return c;
  };
  return (ev) => {
    if (isSummaryEvent(ev)) {
      const d = ev.detail;
      // Every answered request counts (a challenge round as result="challenge"); the duration is the
      // whole login's, once, when it is over.
      child(`l\0${d.server}\0${d.mode}\0${d.outcome}\0${d.reason}`, () => m.logins.labels(d.server, d.mode, d.outcome, d.reason)).inc();
      if (d.final) child(`d\0${d.server}\0${d.mode}`, () => m.loginDuration.labels(d.server, d.mode)).observe(d.ms / 1000);
    } else if (isPrimaryCallEvent(ev)) {
      const outcome = primaryOutcome(ev.detail);
      child(`p\0${ev.detail.client}\0${outcome}`, () => m.primaryRequests.labels(ev.detail.client, outcome)).inc();
    } else if (isDuoCallEvent(ev)) {
      const d = ev.detail;
      const outcome = d.aborted ? 'aborted' : d.ok ? 'ok' : (d.errorKind ?? 'error');
      child(`u\0${d.endpoint}\0${outcome}`, () => m.duoRequests.labels(d.endpoint, outcome)).inc();
      child(`t\0${d.endpoint}`, () => m.duoDuration.labels(d.endpoint)).observe(d.ms / 1000);
    }
  };
}

/** allow / reject / error / drop / aborted: a closed list, whatever the client said in words. */
export function primaryOutcome(d: Pick<PrimaryCall, 'ok' | 'error' | 'drop' | 'aborted'>): string {
  if (d.aborted) return 'aborted';
  if (d.error) return 'error';
  if (d.drop) return 'drop';
  return d.ok ? 'allow' : 'reject';
}
