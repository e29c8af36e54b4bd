// The Prometheus metrics of one authproxy process (design.md "Contract: operations"), on a registry of
// its own (never prom-client's global one: two proxies in one test process must not share counters).
// Counters of logins, Duo and primary calls are fed from the login events (ops/metrics/from-events.ts);
// the gauges and the drop counter read the running proxy when scraped (a `ProxyProbe`), so the login
// path pays nothing for them. Labels are section names, client section names, endpoint names and
// closed lists of outcomes and reasons: never a username, an IP or anything a user typed.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the scrape reads from the running proxy (through a holder, so a reload can swap the proxy). */
export interface ProxyProbe {
  /** Logins this process is handling now (listener side: requests waiting for their answer). */
  inFlight(): number;
  /** Packets dropped by the RADIUS listeners since they started, by reason. */
  dropped(): Partial<Record<string, number>>;
  /** Open challenges in the store, when the store can count them (memory: this process; NATS KV: the
   *  shared bucket, the same figure on every instance). */
  challengesOpen(): Promise<number | undefined>;
  /** 1 when the NATS connection is up, 0 when down or when this process has no nats_url. */
  natsConnected(): boolean;
}

export interface ProxyMetrics {
  readonly registry: Registry;
  readonly logins: Counter<'server' | 'mode' | 'result' | 'reason'>;
  readonly loginDuration: Histogram<'server' | 'mode'>;
  readonly duoRequests: Counter<'endpoint' | 'outcome'>;
  readonly duoDuration: Histogram<'endpoint'>;
  readonly primaryRequests: Counter<'client' | 'outcome'>;
}

/** Login times: a push waits for a human (seconds to a minute); a passcode or a reject takes ms. */
const LOGIN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
/** One Duo HTTP call: tens of ms, or the whole wait of a synchronous push. */
const DUO_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createProxyMetrics(probe: ProxyProbe): ProxyMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const logins = new Counter({
    name: 'authproxy_logins_total',
    help: 'Finished logins by server section, mode, result (accept, reject, challenge, drop) and reason (docs/operations.md lists the reasons).',
    labelNames: ['server', 'mode', 'result', 'reason'] as const,
    registers,
  });
  const loginDuration = new Histogram({
    name: 'authproxy_login_duration_seconds',
    help: 'Time from a login request to its answer (each round of a challenge login counts on its own).',
    labelNames: ['server', 'mode'] as const,
    buckets: LOGIN_BUCKETS,
    registers,
  });
  const duoRequests = new Counter({
    name: 'authproxy_duo_requests_total',
    help: 'Duo API calls by endpoint (preauth, auth, auth_status...) and outcome (ok, or the failure class).',
    labelNames: ['endpoint', 'outcome'] as const,
    registers,
  });
  const duoDuration = new Histogram({
    name: 'authproxy_duo_request_duration_seconds',
    help: 'Duration of one Duo API call, by endpoint.',
    labelNames: ['endpoint'] as const,
    buckets: DUO_BUCKETS,
    registers,
  });
  const primaryRequests = new Counter({
    name: 'authproxy_primary_requests_total',
    help: 'Primary authentications by client section and outcome (allow, reject, error).',
    labelNames: ['client', 'outcome'] as const,
    registers,
  });

  // Read at scrape time from the RADIUS server's own counters (which count every drop anyway): the
  // counter goes up by what they moved since the last scrape. A new server (after a reload rebound a
  // port) starts from zero: then its whole count is new.
  const seen = new Map<string, number>();
  new Counter({
    name: 'authproxy_radius_dropped_total',
    help: 'RADIUS packets dropped without an answer, by reason (unknown-client, ma-missing, ma-invalid, malformed..., handler-drop).',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      for (const [reason, now] of Object.entries(probe.dropped())) {
        if (now === undefined) continue;
        const before = seen.get(reason) ?? 0;
        const moved = now >= before ? now - before : now;
        if (moved > 0) this.inc({ reason }, moved);
        seen.set(reason, now);
      }
    },
  });
  new Gauge({
    name: 'authproxy_logins_in_flight',
    help: 'Logins this process is handling now.',
    registers,
    collect() {
      this.set(probe.inFlight());
    },
  });
  new Gauge({
    name: 'authproxy_challenges_open',
    help: 'Open Access-Challenges waiting for their answer (with NATS: the shared bucket, the same on every instance).',
    registers,
    async collect() {
      const n = await probe.challengesOpen().catch(() => undefined);
      if (n !== undefined) this.set(n);
    },
  });
  new Gauge({
    name: 'authproxy_nats_connected',
    help: '1 while the NATS connection is up; 0 when it is down or nats_url is not set.',
    registers,
    collect() {
      this.set(probe.natsConnected() ? 1 : 0);
    },
  });
  return { registry, logins, loginDuration, duoRequests, duoDuration, primaryRequests };
}
