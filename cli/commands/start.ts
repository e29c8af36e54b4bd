// `authproxy start -c FILE`: runs the configured sections in the foreground. JSON log lines on stdout,
// one of them {"event":"ready",...} once every listener is bound; SIGTERM/SIGINT stop taking new
// requests, let running logins finish (bounded) and exit 0.
// Everything but commander is loaded when the command runs, and each feature (mock Duo, NATS, the
// primary clients, engine threads) only when the configuration or a flag asks for it.
import { Option, type Command } from '@commander-js/extra-typings';
import type { ProxyConfig } from '../../config/index.ts';
import type { MockDuoServer } from '../../mock-duo/server.ts';
import { pointAtMock, startMockDuo } from '../bundled-mock-duo.ts';
import { chooseConfig, parseSeconds } from '../flags.ts';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the proxy in the foreground (JSON log lines on stdout)')
    .option('-c, --config <file>', 'authproxy.cfg to run (default: /etc/authproxy/authproxy.cfg, else ./authproxy.cfg)')
    .option('--mock-duo <fixtures>', 'also start the bundled mock Duo with these fixtures, and point every section whose api_host is localhost at it')
    .addOption(new Option('--role <role>', 'run RADIUS listeners, login engines or both (default: [main] role)').choices(['listener', 'engine', 'both'] as const))
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error'] as const).default('info' as const))
    .option('--wait-for-nats', 'when [main] nats_url is set and no NATS server answers at start, keep retrying instead of exiting')
    .option('--grace <seconds>', 'on SIGTERM, how long running logins may take to finish', parseSeconds, 10)
    .action(async (opts) => {
      // Before any login allocates: V8's pretenuring would otherwise make every login's objects survive
      // scavenges (engine/collector-tuning.ts).
      (await import('../../engine/collector-tuning.ts')).tuneCollectorForLogins();
      // SIGHUP's default action ends the process: a `systemctl reload` while starting must not. Until the
      // proxy runs there is nothing to reload into; it says so (the file is read as it starts anyway).
      let onHangup = (): void => {
        process.stderr.write('authproxy: SIGHUP while starting: ignored (the configuration is being read now)\n');
      };
      process.on('SIGHUP', () => onHangup());
      const [{ createLogger, stdoutDestination }, { logDirOf, openLogOutputs }, { formatProblem, loadConfig, msg }, { startProxy }, { loadPrimaryFactory }, { connectBackplane }] = await Promise.all([
        import('../../adapters/log/logger.ts'),
        import('../../ops/logs/outputs.ts'),
        import('../../config/index.ts'),
        import('../../engine/proxy.ts'),
        import('../../engine/primary-loader.ts'),
        import('../../engine/backplane.ts'),
      ]);
      const file = chooseConfig(opts.config);
      if (!file.ok) usageError(file.message);
      // stdout (the log) closed, e.g. `authproxy start | head`: stop as on SIGTERM once running, at once
      // before that (issue 15 §6); never a stack trace.
      let onClosedOutput: () => void = () => process.exit(0);
      const loaded = loadConfig(file.path);
      // The log goes where [main] says (ops/logs/outputs.ts): files, stdout, syslog; debug = true is
      // --log-level debug.
      let outputs: ReturnType<typeof openLogOutputs> | undefined;
      try {
        outputs = loaded.ok
          ? openLogOutputs(loaded.config, stdoutDestination(() => onClosedOutput()), { onError: (what, err) => process.stderr.write(`authproxy: ${what}: ${err.message}\n`) })
          : undefined;
      } catch (err) {
        // The files of log_file / log_auth_events cannot be created: a configuration error (exit 2, which
        // the systemd unit does not restart in a loop). The usual cause: Duo's default log_dir beside the
        // config's folder, /etc/log for /etc/authproxy/authproxy.cfg, read-only under the unit.
        const dir = loaded.ok ? logDirOf(loaded.config) : '';
        process.stderr.write(
          `${file.path}: [main] log_dir: cannot write the log files in ${dir}: ${(err as Error).message}; set log_dir to a writable folder (under the systemd unit: log_dir = /var/log/authproxy)\n`,
        );
        process.exit(2);
      }
      const level = loaded.ok && loaded.config.main.debug && opts.logLevel === 'info' ? 'debug' : opts.logLevel;
      const logger = createLogger({ level, ...(outputs ? { destination: outputs.lines as never } : { onClosedOutput: () => onClosedOutput() }) });
      for (const w of loaded.warnings) logger.warn({ event: 'config-warning' }, formatProblem(w));
      if (!loaded.ok) {
        for (const p of loaded.problems) process.stderr.write(`${formatProblem(p)}\n`);
        process.stderr.write(`authproxy: ${loaded.problems.length} configuration error(s) in ${file.path}; nothing started (run check-config for details)\n`);
        process.exit(2);
      }
      // The flag is held to the rule of the setting: a listener alone would print ready and never answer.
      if (opts.role !== undefined && opts.role !== 'both' && loaded.config.main.natsServers.length === 0)
        usageError(`--role ${opts.role}: ${msg.roleNeedsNats(opts.role)}; set [main] nats_url in ${file.path}, or use --role both`);
      // The lifecycle lines (ready, stopping, stopped) are a contract: printed on stdout whatever
      // --log-level and the log destinations say.
      const lifecycle = createLogger({ level: 'info', destination: outputs!.lifecycle as never });
      logger.info({ event: 'log-outputs', outputs: outputs!.describe, logLevel: level }, `logging to ${outputs!.describe.join(', ')}`);
      process.on('SIGUSR2', () => outputs!.reopen());
      let config = loaded.config;
      let mock: MockDuoServer | undefined;
      if (opts.mockDuo) {
        mock = await startMockDuo(opts.mockDuo, logger);
        config = pointAtMock(config, mock);
      }
      if (config.main.testConnectivityOnStartup) {
        // As Duo's `authproxyctl start` (reference §16.1): the results are logged; the proxy starts anyway.
        const { runConnectivity } = await import('../../ops/connectivity/index.ts');
        const report = await runConnectivity(config, { skipListen: true });
        for (const s of report.sections)
          for (const c of s.checks) logger[c.status === 'fail' ? 'warn' : 'info']({ event: 'connectivity', section: s.section, check: c.check, status: c.status }, c.message);
      }
      try {
        const backplane = await connectBackplane(config, logger, { role: opts.role, waitForNats: opts.waitForNats });
        const primaryFactory = await loadPrimaryFactory(config);
        // Loaded only when asked for: a proxy without metrics_port never loads prom-client.
        const recorder = config.main.metricsPort !== undefined ? (await import('../../ops/metrics/index.ts')).createMetricsRecorder() : undefined;
        const proxy = await startProxy({ config, logger, role: opts.role, bus: backplane?.bus, store: backplane?.store, primaryFactory, ...stateDirectory(), onLoginEvent: recorder ? (ev) => (outputs!.onLoginEvent(ev), recorder.observe(ev)) : outputs!.onLoginEvent });
        // Loaded only when asked for (the page, the SVG renderer): a proxy without dashboard_port never carries them.
        const dashboard = config.main.dashboardPort
          ? await (await import('../../dashboard/index.ts')).startDashboard({ config, bus: proxy.bus, logger: lifecycle }).catch(async (err: unknown) => {
              await proxy.stop(0);
              throw new Error(`dashboard on ${config.main.dashboardInterface}:${config.main.dashboardPort}: ${(err as Error).message}`);
            })
          : undefined;
        const metrics = await recorder?.serve({ config, proxy, role: opts.role ?? config.main.role, logger: lifecycle }).catch(async (err: unknown) => {
          await dashboard?.close();
          await proxy.stop(0);
          throw err;
        });
        lifecycle.info(
          {
            event: 'ready',
            role: opts.role ?? config.main.role,
            bus: proxy.bus.kind,
            store: proxy.store.kind,
            listeners: proxy.listeners.map((l) => ({ address: l.address, port: l.port, receiveBufferBytes: l.receiveBufferBytes })),
            servers: config.servers.map((s) => ({ name: s.name, port: s.port, client: s.client ?? null })),
            mockDuo: mock ? mock.url : undefined,
            dashboard: dashboard?.url,
            metrics: metrics?.url,
          },
          proxy.bus.kind === 'memory' ? 'authproxy ready (embedded: in-process bus, memory challenge store)' : `authproxy ready (shared: ${proxy.bus.kind} bus, ${proxy.store.kind} challenge store)`,
        );
        let stopping = false;
        const stop = async (signal: string) => {
          if (stopping) return;
          stopping = true;
          lifecycle.info({ event: 'stopping', signal }, 'stopping: no new requests, letting running logins finish');
          metrics?.setStopping();
          await proxy.stop(opts.grace * 1000);
          await metrics?.close();
          await dashboard?.close();
          await backplane?.close();
          await mock?.close();
          lifecycle.info({ event: 'stopped' }, 'stopped');
          logger.flush();
          await outputs!.close();
          setTimeout(() => process.exit(0), 50);
        };
        onClosedOutput = () => void stop('stdout closed');
        // SIGHUP re-reads the file (ops/reload.ts), one reload at a time; not once stopping.
        let running = config;
        let reloads = Promise.resolve();
        onHangup = () => {
          if (stopping) return;
          reloads = reloads.then(async () => {
            const { reloadConfig } = await import('../../ops/reload.ts');
            const m = mock;
            running = await reloadConfig({ file: file.path, proxy, running, logger: lifecycle, ...(m ? { adjust: (c: ProxyConfig) => pointAtMock(c, m) } : {}) });
            outputs!.setServers(running.servers);
          });
        };
        process.on('SIGTERM', () => void stop('SIGTERM'));
        process.on('SIGINT', () => void stop('SIGINT'));
      } catch (err) {
        logger.error({ event: 'start-failed', err: { message: (err as Error).message } }, `authproxy could not start: ${(err as Error).message}`);
        logger.flush();
        await mock?.close();
        setTimeout(() => process.exit(1), 50);
      }
    });
}

/** A bad flag value or combination: said on stderr, exit 2, nothing started. */
function usageError(message: string): never {
  process.stderr.write(`authproxy: ${message}\n`);
  process.exit(2);
}

/** systemd's StateDirectory= sets $STATE_DIRECTORY (a colon-separated list when it names several): the
 *  writable home of ma_state_file under the shipped unit, whose ProtectSystem=strict makes /etc read-only. */
function stateDirectory(): { stateDir?: string } {
  const first = process.env['STATE_DIRECTORY']?.split(':')[0];
  return first ? { stateDir: first } : {};
}
