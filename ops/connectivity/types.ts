// The results of `authproxy connectivity` (reference §16.4) as data: one CheckResult per check, grouped
// per config section. The CLI prints them; `[main] test_connectivity_on_startup` can log them.

export const CheckStatus = { Ok: 'ok', Fail: 'fail', Skip: 'skip' } as const;
export type CheckStatus = (typeof CheckStatus)[keyof typeof CheckStatus];

export interface CheckResult {
  /** Duo's name for the check: 'ping', 'time drift', 'tcp connection', 'bind'... */
  check: string;
  /** What was tried, when the section has several: `host:port`, a file path. */
  target?: string;
  status: CheckStatus;
  /** Duo's text for the outcome. */
  message: string;
  /** Duo's follow-up advice on a failure (network, CA certificates, credentials). */
  hint?: string;
  /** The underlying error (`ECONNREFUSED`, the directory's diagnostic...), as Duo logs it at debug. */
  detail?: string;
  durationMs: number;
}

export interface SectionReport {
  section: string;
  /** 'main', 'radius_server_auto', 'ad_client', ... */
  type: string;
  /** No check failed. */
  ok: boolean;
  /** Duo's closing line for the section (`The RADIUS Server has no connectivity problems.`). */
  summary: string;
  checks: CheckResult[];
}

export interface ConnectivityReport {
  /** Absolute path of the config file. */
  file: string;
  ok: boolean;
  counts: Record<CheckStatus, number>;
  /** [main] first, then every section in file order. */
  sections: SectionReport[];
}

export interface ConnectivityOptions {
  /** Bound on each Duo call (ping, second ping, check). Default 10 000, as Duo's tool. */
  duoTimeoutMs?: number;
  /** Bound on each RADIUS Status-Server. Default 2000, as Duo's tool. */
  radiusTimeoutMs?: number;
  /** Bound on the [main] http proxy connect. Default 10 000. */
  connectTimeoutMs?: number;
  /** Skip the UDP listen checks (e.g. when the proxy has already bound its ports). */
  skipListen?: boolean;
  /** Clock for the time drift check (Duo's time minus ours). Default Date.now. */
  now?: () => number;
  /** Process id treated as "the running Auth Proxy" when it holds a port. Default process.pid. */
  selfPid?: number;
}
