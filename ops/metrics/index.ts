// `[main] metrics_port`: the metrics of this process and its health, served on metrics_interface
// (default 127.0.0.1). Loaded by `authproxy start` only when metrics_port is set, so a proxy without
// it never loads prom-client. Each process (each instance of a NATS fleet) serves its own figures;
// Prometheus scrapes every instance and sums (docs/operations.md "Metrics").
import type { Logger } from '../../adapters/log/logger.ts';
import { busIsUp } from '../../adapters/bus/up-state.ts';
import type { ProxyConfig } from '../../config/index.ts';
import type { RunningProxy } from '../../engine/proxy.ts';
import { startMetricsServer } from './http.ts';
import type { AnyLoginEvent } from '../../machines/login-events.ts';
import { loginEventFeed } from './from-events.ts';
import { createProxyMetrics, type ProxyMetrics } from './registry.ts';

export interface RunningMetrics {
  readonly url: string;
  readonly metrics: ProxyMetrics;
  /** The proxy now running (after a reload swapped it), read by every scrape. */
  setProxy(proxy: RunningProxy): void;
  /** From the first shutdown signal on, /readyz says so (load balancers stop sending). */
  setStopping(): void;
  close(): Promise<void>;
}

/** The registry, made before the proxy starts so that its login events can be counted from the first;
 *  `serve` opens the endpoint once the proxy runs. */
export interface MetricsRecorder {
  observe(ev: AnyLoginEvent): void;
  serve(o: { config: ProxyConfig; proxy: RunningProxy; role: string; logger: Logger }): Promise<RunningMetrics>;
}

export function createMetricsRecorder(): MetricsRecorder {
  let proxy: RunningProxy | undefined;
  const metrics = createProxyMetrics({
    inFlight: () => proxy?.radius?.stats().inFlight ?? proxy?.engine?.inFlight() ?? 0,
    dropped: () => proxy?.radius?.stats().dropped ?? {},
    challengesOpen: async () => proxy?.store.open?.(),
    natsConnected: () => natsUp(proxy),
  });
  return {
    observe: loginEventFeed(metrics),
    serve: (o) => {
      proxy = o.proxy;
      return serve(metrics, o, (p) => (proxy = p), () => proxy);
    },
  };
}

function natsUp(proxy: RunningProxy | undefined): boolean {
  return proxy !== undefined && proxy.bus.kind === 'nats' && busIsUp(proxy.bus);
}

async function serve(
  metrics: ProxyMetrics,
  o: { config: ProxyConfig; proxy: RunningProxy; role: string; logger: Logger },
  setProxy: (p: RunningProxy) => void,
  current: () => RunningProxy | undefined,
): Promise<RunningMetrics> {
  let stopping = false;
  const nats = o.config.main.natsServers.length > 0;
  const listens = o.role === 'listener' || o.role === 'both';
  const ready = (): string[] => [
    ...(stopping ? ['stopping'] : []),
    ...(listens && (current()?.listeners.length ?? 0) === 0 ? ['no RADIUS listener bound'] : []),
    ...(nats && !natsUp(current()) ? ['NATS not connected'] : []),
  ];
  const port = o.config.main.metricsPort ?? 0;
  const host = o.config.main.metricsInterface;
  const server = await startMetricsServer({ registry: metrics.registry, ready, port, host }).catch((err: unknown) => {
    throw new Error(`metrics endpoint on ${host}:${port}: ${(err as Error).message}`);
  });
  o.logger.info({ event: 'metrics', url: server.url }, `metrics on ${server.url}/metrics (health: /healthz, /readyz)`);
  return {
    url: server.url,
    metrics,
    setProxy,
    setStopping: () => (stopping = true),
    close: () => server.close(),
  };
}
