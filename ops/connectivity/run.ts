// Runs every connectivity check of a config (reference §16.4) and gathers them into one report:
// [main] first, then each section in file order. Sections run concurrently (each check is bounded by
// its own timeout, so the whole run always ends); the UDP listen checks run one at a time, since two
// sections may share a port. Secrets of the config are scrubbed from every text before it is returned.
import { platform, release } from 'node:os';
import { checkRadiusClientConnectivity, notConfirmedMessage } from '../../adapters/radius/primary-connectivity.ts';
import type { ClientSection, ProxyConfig, RadiusClientSection, ServerSection } from '../../config/index.ts';
import { checkAdClient } from './ad-checks.ts';
import { checkDuo } from './duo-checks.ts';
import { checkUdpListen } from './listen-check.ts';
import { checkMain } from './main-checks.ts';
import * as M from './messages.ts';
import { skip } from './result.ts';
import type { CheckResult, ConnectivityOptions, ConnectivityReport, SectionReport } from './types.ts';

export const DEFAULT_DUO_TIMEOUT_MS = 10_000;
export const DEFAULT_RADIUS_TIMEOUT_MS = 2_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export const USER_AGENT = `authproxy connectivity tool/0.1.0 (${platform()} ${release()}; Node ${process.versions.node})`;

type Lock = <T>(fn: () => Promise<T>) => Promise<T>;

function serialise(): Lock {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
}

function section(name: string, type: string, summaries: { ok: string; fail: string }, checks: CheckResult[]): SectionReport {
  const ok = checks.every((c) => c.status !== 'fail');
  return { section: name, type, ok, summary: ok ? summaries.ok : summaries.fail, checks };
}

async function serverSection(s: ServerSection, opts: ConnectivityOptions, listenLock: Lock): Promise<SectionReport> {
  const duo = await checkDuo(s, {
    timeoutMs: opts.duoTimeoutMs ?? DEFAULT_DUO_TIMEOUT_MS,
    userAgent: USER_AGENT,
    ...(opts.now ? { now: opts.now } : {}),
  });
  const listen = opts.skipListen
    ? skip('listen udp', `${s.interface || '*'}:${s.port}`, 'Not run: the listen checks were turned off.')
    : await listenLock(() => checkUdpListen(s.port, s.interface, opts.selfPid !== undefined ? { selfPid: opts.selfPid } : {}));
  return section(s.name, s.type, M.SectionSummary.radius_server, [...duo, listen]);
}

async function radiusClientSection(c: RadiusClientSection, opts: ConnectivityOptions): Promise<SectionReport> {
  const started = performance.now();
  let checks: CheckResult[];
  try {
    const hosts = await checkRadiusClientConnectivity(c, { timeoutMs: opts.radiusTimeoutMs ?? DEFAULT_RADIUS_TIMEOUT_MS });
    const durationMs = Math.round(performance.now() - started);
    checks = hosts.map((h) => ({ check: 'radius connection', target: `${h.host}:${h.port}`, status: h.ok ? 'ok' : 'fail', message: h.message, durationMs }));
  } catch (err) {
    // A host the client cannot send to at all (config already requires IP addresses).
    checks = c.hosts.map((h) => ({
      check: 'radius connection',
      target: `${h.host}:${h.port}`,
      status: 'fail',
      message: notConfirmedMessage(h.host, h.port),
      detail: (err as Error).message,
      durationMs: 0,
    }));
  }
  return section(c.name, c.type, M.SectionSummary.radius_client, checks);
}

async function clientSection(c: ClientSection, opts: ConnectivityOptions): Promise<SectionReport> {
  switch (c.type) {
    case 'ad_client':
      return section(c.name, c.type, M.SectionSummary.ad_client, await checkAdClient(c));
    case 'radius_client':
      return radiusClientSection(c, opts);
    case 'duo_only_client':
      return section(c.name, c.type, M.SectionSummary.duo_only_client, [skip('none', undefined, M.noTestingForSection)]);
  }
}

/** Every secret the config holds, to be scrubbed from any text we print. */
export function configSecrets(config: ProxyConfig): string[] {
  const secrets: (string | undefined)[] = [config.main.natsPassword];
  for (const s of config.servers) secrets.push(s.skey, ...s.radiusClients.map((c) => c.secret));
  for (const c of Object.values(config.clients)) {
    if (c.type === 'ad_client') secrets.push(c.serviceAccountPassword);
    if (c.type === 'radius_client') secrets.push(c.secret);
  }
  // As config/problems.ts redactProblems: very short values would mangle ordinary words.
  return [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
}

export function scrub(report: ConnectivityReport, secrets: readonly string[]): ConnectivityReport {
  if (secrets.length === 0) return report;
  const clean = (text: string) => secrets.reduce((t, s) => t.split(s).join('***'), text);
  const cleanCheck = (c: CheckResult): CheckResult => ({
    ...c,
    message: clean(c.message),
    ...(c.target !== undefined ? { target: clean(c.target) } : {}),
    ...(c.hint !== undefined ? { hint: clean(c.hint) } : {}),
    ...(c.detail !== undefined ? { detail: clean(c.detail) } : {}),
  });
  return { ...report, sections: report.sections.map((s) => ({ ...s, checks: s.checks.map(cleanCheck) })) };
}

export async function runConnectivity(config: ProxyConfig, opts: ConnectivityOptions = {}): Promise<ConnectivityReport> {
  const listenLock = serialise();
  const ordered: { line: number; run: () => Promise<SectionReport> }[] = [
    ...config.servers.map((s) => ({ line: s.line, run: () => serverSection(s, opts, listenLock) })),
    ...Object.values(config.clients).map((c) => ({ line: c.line, run: () => clientSection(c, opts) })),
  ].sort((a, b) => a.line - b.line);
  const main = checkMain(config.main, opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS).then((checks) =>
    section('main', 'main', M.SectionSummary.main, checks),
  );
  const sections = await Promise.all([main, ...ordered.map((o) => o.run())]);
  const counts = { ok: 0, fail: 0, skip: 0 };
  for (const s of sections) for (const c of s.checks) counts[c.status]++;
  return scrub({ file: config.file, ok: counts.fail === 0, counts, sections }, configSecrets(config));
}
