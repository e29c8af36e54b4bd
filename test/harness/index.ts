// Private real servers for tests (see each module's header for an example):
//   radiusd.start() → FreeRADIUS 3.2 on UDP 127.0.0.1:<port>, driven by radclient()
//   slapd.start()   → OpenLDAP with StartTLS/LDAPS from a test CA and the memberof overlay
//   nats.start()    → nats-server with JetStream, restartable on the same port
// Each start() uses a fresh temp dir and an ephemeral loopback port; call stop() (e.g.
// `t.after(() => srv.stop())`). Servers left running are killed when the test process exits.
export * as nats from './nats.ts';
export { type RadclientOptions, type RadclientResult, octets, radclient, valuesOf } from './radclient.ts';
export * as radiusd from './radiusd.ts';
export * as slapd from './slapd.ts';
export { freePort, isTcpOpen, withFreePorts } from './ports.ts';
export { makeTestCertificates, type TestCertificates } from './test-ca.ts';
export { makeTempDir, removeTempDir } from './tmp.ts';
export {
  type ServerProcess,
  runTool,
  runToolOrThrow,
  spawnServer,
  startupError,
  waitUntil,
} from './process.ts';
