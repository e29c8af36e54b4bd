// startDashboard: the live view of `[main] dashboard_port` (docs/dashboard.md). `authproxy start` imports
// this module only when dashboard_port is set.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bus } from '../adapters/bus/types.ts';
import type { Logger } from '../adapters/log/logger.ts';
import type { ProxyConfig } from '../config/index.ts';
import { isLoopback } from '../config/section-checks.ts';
import { MODE_NAMES, type ModeName } from '../machines/login-machine.ts';
import { type RenderedDiagram, renderDiagramSvg } from './diagram-svg.ts';
import { startLiveFeed } from './live-feed.ts';
import { handleRequest } from './server.ts';
import { SseHub } from './sse.ts';
import type { DashboardServer, DashboardState } from './state.ts';
import { TraceStore } from './trace-store.ts';
import { WindowCounts } from './window-counts.ts';

export interface RunningDashboard {
  url: string;
  state: DashboardState;
  close(): Promise<void>;
}

const SHORT_MODE = Object.fromEntries(Object.entries(MODE_NAMES).map(([short, long]) => [long, short])) as Record<string, ModeName>;

export async function startDashboard(o: { config: ProxyConfig; bus: Bus; logger: Logger; port?: number; flushMs?: number }): Promise<RunningDashboard> {
  const main = o.config.main;
  const host = main.dashboardInterface;
  const token = main.dashboardToken || undefined;
  // check-config refuses this too; the server checks again so no other caller can open it up.
  if (!token && !isLoopback(host)) throw new Error(`the dashboard on ${host} needs dashboard_token (only a loopback address may go without)`);
  const store = new TraceStore({ maxFinished: main.dashboardLogins, maxAgeMs: main.dashboardMaxAgeS * 1000 });
  const counts = new WindowCounts(main.dashboardWindowS);
  const hub = new SseHub();
  const feed = startLiveFeed({ bus: o.bus, store, counts, hub, flushMs: o.flushMs });
  const servers: DashboardServer[] = o.config.servers.map((s) => ({ name: s.name, mode: SHORT_MODE[s.type]!, port: s.port }));
  const diagrams = new Map<ModeName, Promise<RenderedDiagram>>();
  const state: DashboardState = {
    token,
    servers,
    windowS: main.dashboardWindowS,
    store,
    counts,
    hub,
    feed,
    diagram(mode) {
      let d = diagrams.get(mode);
      if (!d) diagrams.set(mode, (d = renderDiagramSvg(mode)));
      return d;
    },
    status: () => ({ ...store.size, untracked: store.untracked, ...feed.stats(), sse: { clients: hub.size, sent: hub.sent, dropped: hub.dropped } }),
  };
  const server = createServer((req, res) => {
    handleRequest(req, res, state).catch((err: unknown) => {
      o.logger.error({ event: 'dashboard-error', err: { message: (err as Error).message } }, 'dashboard request failed');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end('{"error":"internal error"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? main.dashboardPort, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}/`;
  o.logger.info(
    { event: 'dashboard', url, auth: token ? 'token' : 'none' },
    token ? `dashboard on ${url} (dashboard_token required: Authorization: Bearer, or sign in at ${url}login)` : `dashboard on ${url} (no token: reachable from this host only)`,
  );
  return {
    url,
    state,
    async close() {
      feed.stop();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
