// SIGHUP: re-read authproxy.cfg and let the running proxy take its sections (engine/proxy.ts reload).
// A file with errors is reported, line by line as check-config prints them, and changes nothing; the
// [main] settings that shape the process (its role, its NATS connection, its threads, its endpoints, its logs)
// are reported as needing a restart and keep their running values.
import type { Logger } from '../adapters/log/logger.ts';
import { formatProblem, loadConfig, type MainConfig, type ProxyConfig } from '../config/index.ts';
import type { RunningProxy } from '../engine/proxy.ts';

/** [main] fields a reload cannot change in a running process, with their option names. */
export const RESTART_ONLY: Partial<Record<keyof MainConfig, string>> = {
  role: 'role',
  natsUrl: 'nats_url',
  natsUser: 'nats_user',
  natsPassword: 'nats_password',
  natsCredsFile: 'nats_creds_file',
  natsCaFile: 'nats_ca_file',
  engineThreads: 'engine_threads',
  udpReceiveBuffer: 'udp_receive_buffer',
  metricsPort: 'metrics_port',
  metricsInterface: 'metrics_interface',
  dashboardPort: 'dashboard_port',
  dashboardInterface: 'dashboard_interface',
  dashboardToken: 'dashboard_token',
  dashboardLogins: 'dashboard_logins',
  dashboardMaxAgeS: 'dashboard_max_age',
  dashboardWindowS: 'dashboard_window',
  maStateFile: 'ma_state_file',
  // The log destinations and level are opened once, when start begins (cli/commands/start.ts).
  debug: 'debug',
  logFile: 'log_file',
  logStdout: 'log_stdout',
  logSyslog: 'log_syslog',
  syslogFacility: 'syslog_facility',
  syslogServer: 'syslog_server',
  logDir: 'log_dir',
  logMaxSize: 'log_max_size',
  logMaxFiles: 'log_max_files',
  logAuthEvents: 'log_auth_events',
  // Run once, as start begins.
  testConnectivityOnStartup: 'test_connectivity_on_startup',
};

/** The restart-only options whose value differs (names only: a value may be a secret). */
export function restartOnlyChanges(before: MainConfig, after: MainConfig): string[] {
  return Object.entries(RESTART_ONLY)
    .filter(([field]) => JSON.stringify(before[field as keyof MainConfig]) !== JSON.stringify(after[field as keyof MainConfig]))
    .map(([, option]) => option!);
}

export interface ReloadOptions {
  file: string;
  proxy: RunningProxy;
  /** The configuration running now. */
  running: ProxyConfig;
  logger: Logger;
  /** What start did to the loaded file (--mock-duo points sections at the bundled mock). */
  adjust?: (c: ProxyConfig) => ProxyConfig;
}

/** Reloads; resolves with the configuration running afterwards (the new one, or the old one). */
export async function reloadConfig(o: ReloadOptions): Promise<ProxyConfig> {
  const { logger } = o;
  const loaded = loadConfig(o.file);
  if (!loaded.ok) {
    for (const p of loaded.problems) logger.error({ event: 'config-error' }, formatProblem(p));
    logger.error(
      { event: 'reload-failed', errors: loaded.problems.length },
      `reload refused: ${loaded.problems.length} configuration error(s) in ${o.file}; still running the previous configuration`,
    );
    return o.running;
  }
  for (const w of loaded.warnings) logger.warn({ event: 'config-warning' }, formatProblem(w));
  const restart = restartOnlyChanges(o.running.main, loaded.config.main);
  // Those keep their running values: the new sections run under the [main] the process started with,
  // except for what [main] pushes into sections (built into each section already).
  const next: ProxyConfig = { ...(o.adjust ? o.adjust(loaded.config) : loaded.config) };
  for (const field of Object.keys(RESTART_ONLY) as (keyof MainConfig)[]) (next.main as unknown as Record<string, unknown>)[field] = o.running.main[field];
  if (restart.length > 0)
    logger.warn({ event: 'reload-restart-needed', options: restart }, `[main] ${restart.join(', ')} changed: applied at the next restart, not by a reload`);
  const r = await o.proxy.reload(next);
  if (!r.ok) {
    logger.error({ event: 'reload-failed', err: { message: r.error } }, `reload refused: ${r.error}; still running the previous configuration`);
    return o.running;
  }
  logger.info(
    {
      event: 'reloaded',
      servers: next.servers.map((s) => ({ name: s.name, port: s.port, client: s.client ?? null })),
      listeners: r.listeners.map((l) => ({ address: l.address, port: l.port })),
    },
    `reloaded ${o.file}`,
  );
  return next;
}
