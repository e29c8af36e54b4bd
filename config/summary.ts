// One line per section for `authproxy check-config` on a valid file: what will listen where and talk to
// what. Built field by field from the typed config, so no secret can slip in. Also the count of problems
// that ends its output (countLine).
import { listenAddress } from './cross.ts';
import type { ClientSection, MainConfig, ProxyConfig, ServerSection } from './types.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summariseMain(main: MainConfig): string {
  const bus = main.natsServers.length > 0 ? `NATS bus (${plural(main.natsServers.length, 'server')})` : 'in-process bus';
  // Where to point curl: the interface too (metrics_interface and dashboard_interface default to loopback).
  const metrics = main.metricsPort ? `metrics on ${listenAddress(main.metricsInterface, main.metricsPort)}` : 'metrics off';
  const dashboard = main.dashboardPort ? `dashboard on ${listenAddress(main.dashboardInterface, main.dashboardPort)}` : 'dashboard off';
  const threads = main.engineThreads > 0 && main.role !== 'listener' ? `, engine in ${plural(main.engineThreads, 'worker thread')}` : '';
  return `[main] role ${main.role}, ${bus}${threads}, ${metrics}, ${dashboard}`;
}

export function summariseServer(s: ServerSection): string {
  const client = s.client ? `client ${s.client}` : 'no primary client';
  return `[${s.name}] ${s.type} on ${listenAddress(s.interface, s.port)}, ${plural(s.radiusClients.length, 'client network')}, ${client}, failmode ${s.failmode}`;
}

export function summariseClient(c: ClientSection): string {
  switch (c.type) {
    case 'ad_client':
      return `[${c.name}] ad_client ${c.hosts.map((h) => `${h}:${c.port}`).join(', ')} (${c.transport}, ${c.authType}), search ${c.searchDn}`;
    case 'radius_client':
      return `[${c.name}] radius_client ${c.hosts.map((h) => listenAddress(h.host, h.port)).join(', ')}, retries ${c.retries} every ${c.retryWait} s`;
    case 'duo_only_client':
      return `[${c.name}] duo_only_client (no primary authentication)`;
  }
}

/** [main] first, then every section in file order. */
export function summarise(config: ProxyConfig): string[] {
  const sections: { line: number; text: string }[] = [
    ...config.servers.map((s) => ({ line: s.line, text: summariseServer(s) })),
    ...Object.values(config.clients).map((c) => ({ line: c.line, text: summariseClient(c) })),
  ];
  return [summariseMain(config.main), ...sections.sort((a, b) => a.line - b.line).map((s) => s.text)];
}

/** "2 errors, 1 warning, 3 options without effect": options accepted for compatibility (notices) are
 *  counted apart from warnings, so a Duo file copied as it is does not look like one full of mistakes. */
export function countLine(errors: number, warnings: readonly { severity: string }[]): string {
  const inert = warnings.filter((w) => w.severity === 'notice').length;
  const parts = [plural(warnings.length - inert, 'warning'), ...(inert > 0 ? [`${plural(inert, 'option')} without effect`] : [])];
  return [...(errors > 0 ? [plural(errors, 'error')] : []), ...parts].join(', ');
}
