// What the dashboard's routes read: the configured sections, the trace store, the window counts, the
// live stream and the rendered diagrams (one per mode, rendered once).
import type { ModeName } from '../machines/diagram.ts';
import type { LiveFeed } from './live-feed.ts';
import type { RenderedDiagram } from './diagram-svg.ts';
import type { SseHub } from './sse.ts';
import type { TraceStore } from './trace-store.ts';
import type { WindowCounts } from './window-counts.ts';

export interface DashboardServer {
  name: string;
  mode: ModeName;
  port: number;
}

export interface DashboardState {
  token: string | undefined;
  servers: DashboardServer[];
  windowS: number;
  store: TraceStore;
  counts: WindowCounts;
  hub: SseHub;
  feed: LiveFeed;
  diagram(mode: ModeName): Promise<RenderedDiagram>;
  status(): Record<string, unknown>;
}
