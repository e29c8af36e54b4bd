// The listen check of a server section (reference §16.4 step 5): bind the section's UDP port on its
// interface exactly as the RADIUS listener would (adapters/radius/udp-socket.ts), then let it go. A port
// in use names its owner; when the owner is the Auth Proxy itself (this process, another `authproxy
// start`, or Duo's own proxy) the check is skipped, as Duo's tool does.
import { silentLogger } from '../../adapters/log/logger.ts';
import { bindUdp } from '../../adapters/radius/udp-socket.ts';
import * as M from './messages.ts';
import { findPortOwner, isAuthProxy } from './port-owner.ts';
import { fail, ok, timed } from './result.ts';
import { type CheckResult, CheckStatus } from './types.ts';

export const LISTEN_CHECK = 'listen udp';

export interface ListenCheckOptions {
  /** The process treated as the running Auth Proxy. Default process.pid. */
  selfPid?: number;
}

/** Plain words for the bind errors other than "in use" (ours). */
function reasonFor(error: string, port: number): string {
  if (/EACCES/.test(error)) return `Permission denied: port ${port} needs root or CAP_NET_BIND_SERVICE (${error}).`;
  if (/EADDRNOTAVAIL/.test(error)) return `This host has no such address (${error}).`;
  return error;
}

export async function checkUdpListen(port: number, iface: string, opts: ListenCheckOptions = {}): Promise<CheckResult> {
  const target = `${iface || '*'}:${port}`;
  const result = await timed(LISTEN_CHECK, target, async () => {
    // A small buffer: this socket only proves the bind, and must not warn about rmem_max.
    const r = await bindUdp(port, iface, 64 * 1024, silentLogger());
    if (r.ok) {
      await new Promise<void>((resolve) => r.bound.socket.close(() => resolve()));
      return ok(M.listenOk(port, iface));
    }
    if (!/EADDRINUSE/.test(r.error)) return fail(M.listenFailed(port, iface, reasonFor(r.error, port)), { detail: r.error });
    const owner = findPortOwner('udp', port);
    if (owner && (owner.pid === (opts.selfPid ?? process.pid) || isAuthProxy(owner)))
      return { status: CheckStatus.Skip, message: M.listenSkippedProxy(LISTEN_CHECK) };
    return fail(M.listenInUse(port, iface, owner?.name ?? M.UNKNOWN_PROCESS, owner?.pid), { detail: r.error });
  });
  return result;
}
