// A RADIUS server on an ephemeral loopback port, for tests and benchmarks (style.md item 3).
import { parseNetwork } from './networks.ts';
import { createRadiusServer } from './server.ts';
import type { MessageAuthenticatorPolicy, RadiusHandler, RadiusServer, RadiusServerOptions } from './server-types.ts';

export interface TestRadiusServerOptions {
  readonly handle: RadiusHandler;
  readonly secret?: string;
  /** Client networks allowed; default loopback (127.0.0.0/8 and ::1). */
  readonly clients?: readonly string[];
  readonly requireMessageAuthenticator?: MessageAuthenticatorPolicy;
  readonly limitProxyState?: boolean;
  /** Default 127.0.0.1. */
  readonly interface?: string;
  readonly sectionName?: string;
  readonly extra?: Partial<Omit<RadiusServerOptions, 'sections' | 'handle'>>;
}

export interface TestRadiusServer {
  readonly server: RadiusServer;
  readonly port: number;
  readonly address: string;
  readonly secret: string;
  close(): Promise<void>;
}

export async function startTestRadiusServer(opts: TestRadiusServerOptions): Promise<TestRadiusServer> {
  const secret = opts.secret ?? 'testing123';
  const cidrs = (opts.clients ?? ['127.0.0.0/8', '::1']).flatMap((c) => {
    const r = parseNetwork(c);
    if (!r.ok) throw new Error(`bad client network ${c}: ${r.error}`);
    return r.cidrs;
  });
  const server = createRadiusServer({
    ...opts.extra,
    handle: opts.handle,
    sections: [
      {
        name: opts.sectionName ?? 'radius_server_test',
        port: 0,
        interface: opts.interface ?? '127.0.0.1',
        clients: [{ cidrs, secret }],
        requireMessageAuthenticator: opts.requireMessageAuthenticator ?? 'auto',
        limitProxyState: opts.limitProxyState ?? false,
      },
    ],
  });
  const r = await server.listen();
  if (!r.ok) throw new Error(r.error);
  const l = r.listeners[0]!;
  return { server, port: l.port, address: l.address, secret, close: () => server.close() };
}
