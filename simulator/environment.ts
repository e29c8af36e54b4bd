// Everything a scenario runs against: the embedded mock Duo, a simulated upstream RADIUS primary, and
// the target: our proxy started in process from an authproxy.cfg (every section's Duo pointed at the
// mock), or any RADIUS server already running. Whatever cannot be started is a SetupError (exit 2).
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { silentLogger } from '../adapters/log/logger.ts';
import { encodeRequest } from '../adapters/radius/codec/encode.ts';
import { cidrContains, parseIp, parseNetwork } from '../adapters/radius/networks.ts';
import { formatProblem, loadConfig, type ProxyConfig, type ServerSection } from '../config/index.ts';
import { primaryFactory } from '../engine/primary-factory.ts';
import { type RunningProxy, startProxy } from '../engine/proxy.ts';
import type { Fixture, FixtureInput } from '../mock-duo/fixture.ts';
import { loadFixtureFile } from '../mock-duo/fixture.ts';
import { type MockDuoServer, startMockDuoServer } from '../mock-duo/server.ts';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ChildProxy, rewriteConfig, type SectionEdit, startChildProxy } from './child-proxy.ts';
import type { DeviceSettings } from './device.ts';
import { type SimulatedPrimary, startSimulatedPrimary } from './primary.ts';
import type { Scenario } from './scenario/schema.ts';

export class SetupError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

export interface Destination {
  host: string;
  port: number;
  secret: string;
  /** The server section, for reports ('' for a radius target). */
  server: string;
}

export interface Environment {
  mock: MockDuoServer | undefined;
  /** Things worth telling the user about how the target was set up. */
  notes: string[];
  /** Where a device sends, and with which secret. */
  destination(device: DeviceSettings, server: string | undefined): Destination;
  stop(): Promise<void>;
}

/** A free UDP port on 127.0.0.1 (bound and released: the proxy binds it right after). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startMock(s: Scenario, config: ProxyConfig | undefined): Promise<MockDuoServer | undefined> {
  const d = s.duo;
  if (d === undefined) return undefined;
  let base: Partial<Fixture> | FixtureInput = {};
  if (d.fixtures !== undefined) {
    const loaded = await loadFixtureFile(d.fixtures);
    if (!loaded.ok) throw new SetupError(loaded.errors);
    base = loaded.value;
  }
  const integrations = [...(base.integrations ?? []), ...(d.integrations ?? [])];
  for (const srv of config?.servers ?? [])
    if (!integrations.some((i) => i.ikey === srv.ikey)) integrations.push({ ikey: srv.ikey, skey: srv.skey });
  if (integrations.length === 0) throw new SetupError(['duo: the mock Duo needs the ikey/skey pairs it accepts: give duo.integrations, or integrations in duo.fixtures']);
  const fixture = {
    ...base,
    integrations,
    ...(d.users !== undefined ? { users: d.users } : {}),
    ...(d.new_user_policy !== undefined ? { new_user_policy: d.new_user_policy } : {}),
  } as FixtureInput;
  const port = d.listen !== undefined ? Number(d.listen.split(':')[1]) : 0;
  try {
    return await startMockDuoServer({ fixture, port, ...(d.ca_out !== undefined ? { caOut: d.ca_out } : {}) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new SetupError([`duo: cannot start the mock Duo: ${e.code === 'EADDRINUSE' ? `${d.listen} is already in use` : e.message}`]);
  }
}

/** The secret of the client network holding `ip` in a section, if any. */
function secretFor(section: ServerSection, ip: string): string | undefined {
  const addr = parseIp(ip);
  if (addr === undefined) return undefined;
  for (const c of section.radiusClients) {
    const n = parseNetwork(c.value);
    if (n.ok && n.cidrs.some((cidr) => cidrContains(cidr, addr))) return c.secret;
  }
  return undefined;
}

async function startConfigTarget(s: Scenario, file: string, server: string | undefined, ports: 'free' | 'config', how: 'in-process' | 'child'): Promise<PreparableEnvironment> {
  const loaded = loadConfig(file);
  if (!loaded.ok) throw new SetupError(loaded.problems.map(formatProblem));
  const notes: string[] = [];
  const original = loaded.config;
  const mock = await startMock(s, original);
  const primaries: SimulatedPrimary[] = [];
  const primaryPorts = new Map<string, number>();
  let proxy: RunningProxy | undefined;
  let child: ChildProxy | undefined;
  try {
    // Each configured port gets a free loopback port (sections sharing a port still share one), so a
    // scenario never collides with a proxy already running on 1812; `ports: config` keeps them.
    const portMap = new Map<number, number>();
    for (const srv of original.servers) if (!portMap.has(srv.port)) portMap.set(srv.port, ports === 'config' ? srv.port : await freeUdpPort());
    const config: ProxyConfig = structuredClone(original);
    config.main.natsServers = [];
    // A simulation neither reads nor leaves BlastRADIUS state next to the (production) file.
    if (original.main.maStateFile !== '' && existsSync(resolve(original.dir, original.main.maStateFile)))
      notes.push(`[main] ma_state_file is not read: the run starts with no learned Message-Authenticator clients and keeps them in memory`);
    config.main.maStateFile = '';
    if (original.main.natsUrl !== undefined) notes.push('[main] nats_url is not used: the simulated proxy runs in one process');
    // The proxy runs in this process with its logins only: say which [main] services it leaves out.
    for (const [set, option] of [
      [original.main.dashboardPort !== undefined, 'dashboard_port'],
      [original.main.metricsPort !== undefined, 'metrics_port'],
    ] as const)
      if (set) notes.push(`[main] ${option} is not used: the simulated proxy runs without it`);
    for (const srv of config.servers) {
      notes.push(`[${srv.name}] listens on 127.0.0.1:${portMap.get(srv.port)}${ports === 'free' ? ` (configured: ${srv.port})` : ''}`);
      srv.port = portMap.get(srv.port)!;
      srv.interface = '127.0.0.1';
      if (mock) Object.assign(srv, { apiHost: 'localhost', apiPort: mock.port, httpCaCertsFile: mock.caFile, httpProxyHost: '' });
    }
    if (mock) notes.push(`every section's Duo is the embedded mock at ${mock.url}`);
    if (s.primary) {
      for (const client of Object.values(config.clients)) {
        if (client.type !== 'radius_client') continue;
        const p = await startSimulatedPrimary(s.primary.radius, client.secret);
        primaries.push(p);
        client.hosts = [{ host: '127.0.0.1', port: p.port }];
        primaryPorts.set(client.name, p.port);
        notes.push(`[${client.name}] goes to the simulated RADIUS primary on 127.0.0.1:${p.port}`);
      }
    }
    const sections = new Map(config.servers.map((x) => [x.name, x]));
    const pick = (name: string | undefined): ServerSection => {
      const n = name ?? server;
      if (n !== undefined) {
        const found = sections.get(n);
        if (!found) throw new SetupError([`target.server: no section [${n}] in ${file}; sections: ${[...sections.keys()].join(', ')}`]);
        return found;
      }
      if (config.servers.length === 1) return config.servers[0]!;
      throw new SetupError([`target.server: ${file} has ${config.servers.length} server sections (${[...sections.keys()].join(', ')}); name one with target.server or a login's server`]);
    };
    const added = new Set<string>();
    const destination = (d: DeviceSettings, name: string | undefined): Destination => {
      const section = pick(name);
      let secret = secretFor(section, d.sourceIp);
      if (secret === undefined) {
        // The production file names the real device (its NAS address); the simulated one sends from
        // loopback, so it is added to that device's client network, with its secret, in memory only.
        secret = secretFor(section, d.nasIp);
        if (secret === undefined)
          throw new SetupError([
            `device ${d.name}: [${section.name}] has no radius_ip_N holding its source ${d.sourceIp} or its nas_ip ${d.nasIp}; set device.nas_ip to the address the config lists for it`,
          ]);
        const key = `${section.name}|${d.sourceIp}`;
        if (!added.has(key)) {
          section.radiusClients.unshift({ n: 0, value: `${d.sourceIp}/32`, secret, line: 0 });
          added.add(key);
          notes.push(`[${section.name}] takes ${d.name} from ${d.sourceIp} with the secret of its nas_ip ${d.nasIp}`);
        }
      }
      return { host: '127.0.0.1', port: section.port, secret, server: section.name };
    };
    return {
      mock,
      notes,
      destination,
      // Every device is resolved before the proxy starts: the client networks added above must be in
      // the configuration it starts with.
      async prepare(devices) {
        for (const x of devices) destination(x.device, x.server);
        try {
          if (how === 'child') {
            child = await startChildProxy(file, rewriteConfig(readFileSync(file, 'utf8'), childEdits(config, mock, primaryPorts)));
            notes.push('the proxy runs as `authproxy start` on a copy of the file carrying the changes above');
          }
          else proxy = await startProxy({ config, logger: silentLogger(), primaryFactory });
        } catch (err) {
          throw new SetupError([`target.config: the proxy could not start: ${(err as Error).message}`]);
        }
      },
      async stop() {
        await proxy?.stop(500);
        await child?.stop();
        await Promise.all(primaries.map((p) => p.close()));
        await mock?.close();
      },
    };
  } catch (err) {
    await Promise.all(primaries.map((p) => p.close()));
    await mock?.close();
    throw err;
  }
}

/** The in-memory changes, as edits of the file for `authproxy start` (target.process: child). */
function childEdits(config: ProxyConfig, mock: MockDuoServer | undefined, primaryPorts: ReadonlyMap<string, number>): Map<string, SectionEdit> {
  const edits = new Map<string, SectionEdit>();
  const duo = mock ? (['api_host', 'api_port', 'http_proxy_host', 'http_proxy_port'] as const) : [];
  for (const srv of config.servers) {
    const added = srv.radiusClients.filter((c) => c.n === 0);
    edits.set(srv.name, {
      drop: ['port', 'interface', ...duo],
      add: [
        ['port', srv.port],
        ['interface', '127.0.0.1'],
        ...(mock ? ([['api_host', 'localhost'], ['api_port', mock.port]] as const) : []),
        ...added.flatMap((c, k) => [[`radius_ip_${9001 + k}`, c.value], [`radius_secret_${9001 + k}`, c.secret]] as const),
      ],
    });
  }
  for (const [name, port] of primaryPorts) edits.set(name, { drop: ['host', /^host_\d+$/, 'port', /^port_\d+$/], add: [['host', '127.0.0.1'], ['port', port]] });
  edits.set('main', {
    drop: ['nats_url', 'dashboard_port', 'metrics_port', 'ma_state_file', ...(mock ? ['http_ca_certs_file', 'http_proxy_host', 'http_proxy_port'] : [])],
    add: [['ma_state_file', ''], ...(mock?.caFile ? ([['http_ca_certs_file', mock.caFile]] as const) : [])],
  });
  return edits;
}

export interface PreparableEnvironment extends Environment {
  /** Checks every device against the target and starts the proxy (target.config). */
  prepare(devices: { device: DeviceSettings; server: string | undefined }[]): Promise<void>;
}

/**
 * Whether anything listens at a RADIUS address: a Status-Server from a connected socket. An ICMP port
 * unreachable (ECONNREFUSED) or an unresolvable host is an error; an answer or silence is not (Duo's
 * own proxy never answers Status-Server).
 */
function probe(host: string, port: number, secret: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    let finished = false;
    const done = (problem: string | undefined) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.close();
      resolve(problem);
    };
    const timer = setTimeout(() => done(undefined), 300);
    sock.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? `nothing listens on ${host}:${port} (UDP)` : `${host}:${port}: ${err.code ?? err.message}`));
    sock.on('message', () => done(undefined));
    const enc = encodeRequest({ code: 12, id: 0, secret, attributes: [] });
    const send = () => {
      if (finished || !enc.ok) return;
      try {
        sock.send(enc.bytes);
      } catch {
        // not connected: the 'error' event (e.g. ENOTFOUND) says why
      }
    };
    sock.connect(port, host, () => {
      send();
      // a second datagram: the ICMP answer to the first is reported on the next socket operation
      setTimeout(send, 100);
    });
  });
}

/** Each source address the devices send from, with the devices' names, in order of first use. */
function sourcesOf(devices: readonly { device: DeviceSettings }[]): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const { device } of devices) {
    const names = by.get(device.sourceIp) ?? [];
    if (!names.includes(device.name)) names.push(device.name);
    by.set(device.sourceIp, names);
  }
  return by;
}

export async function startEnvironment(s: Scenario): Promise<PreparableEnvironment> {
  if ('config' in s.target) return startConfigTarget(s, s.target.config, s.target.server, s.target.ports, s.target.process);
  const t = s.target.radius;
  try {
    await lookup(t.host);
  } catch (err) {
    throw new SetupError([`target.radius: cannot resolve ${t.host}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  const unreachable = await probe(t.host, t.port, t.secret);
  if (unreachable) throw new SetupError([`target.radius: ${unreachable}`]);
  const mock = await startMock(s, undefined);
  const notes = mock ? [`mock Duo listening on ${mock.url}${mock.caFile ? ` (CA ${mock.caFile})` : ''}`] : [];
  return {
    mock,
    notes,
    destination: () => ({ host: t.host, port: t.port, secret: t.secret, server: '' }),
    // The server's client list is not ours to read: say which source addresses it must admit, since a
    // RADIUS server drops a request from an unknown client without a word (the device then gives up
    // after its timeout, which looks like an outage).
    prepare: async (devices) => {
      for (const [ip, names] of sourcesOf(devices))
        notes.push(`${names.join(', ')} ${names.length > 1 ? 'send' : 'sends'} from ${ip}: ${t.host}:${t.port} must admit that address with the secret (e.g. radius_ip_N=${ip}), or its requests go unanswered; device.source_ip picks another`);
    },
    stop: async () => {
      await mock?.close();
    },
  };
}
