// Connections kept for user binds to one directory host. A bind may be sent on a connection that
// already carried binds (RFC 4511 §4.2.1: each bind resets the connection's authentication), so a
// login's password check costs one bind round trip instead of a TCP (and TLS) handshake, a bind and
// a close. The connections are used for nothing but binds. Idle ones are watched: one the server
// closes leaves the pool; one that died unnoticed fails its next bind, which is then retried once on
// a new connection.
import {
  type BindCredentials,
  type BindResult,
  bindSession,
  closeSession,
  type ConnectResult,
  type LdapConnection,
} from './session.ts';

export interface BindPoolOptions {
  /** Idle connections kept; more may be open while busy. */
  maxIdle: number;
  connect(signal: AbortSignal): Promise<ConnectResult>;
}

interface Idle {
  conn: LdapConnection;
  /** Removes the idle watchers. */
  unwatch(): void;
}

export class BindPool {
  private idle: Idle[] = [];
  private closed = false;

  constructor(private readonly opts: BindPoolOptions) {}

  /** Binds as `creds` and tells how the server answered. */
  async bind(creds: BindCredentials, signal: AbortSignal): Promise<BindResult> {
    for (let attempt = 0; ; attempt++) {
      const reused = this.idle.pop();
      let conn: LdapConnection;
      if (reused) {
        reused.unwatch();
        conn = reused.conn;
      } else {
        const c = await this.opts.connect(signal);
        if (!c.ok) return c;
        conn = c.conn;
      }
      const r = await bindSession(conn, creds, signal);
      if (r.ok || r.kind === 'rejected') {
        this.park(conn);
        return r;
      }
      // A reused connection may have been closed by the server while idle: one retry on a new one.
      if (r.kind === 'network' && reused && attempt === 0) continue;
      return r;
    }
  }

  /** Number of idle connections (for tests and metrics). */
  get size(): number {
    return this.idle.length;
  }

  close(): void {
    this.closed = true;
    for (const i of this.idle.splice(0)) {
      i.unwatch();
      closeSession(i.conn.socket);
    }
  }

  private park(conn: LdapConnection): void {
    const { socket } = conn;
    if (this.closed || socket.destroyed || this.idle.length >= this.opts.maxIdle) {
      closeSession(socket);
      return;
    }
    const entry: Idle = { conn, unwatch: () => {} };
    const drop = (): void => {
      entry.unwatch();
      this.idle = this.idle.filter((i) => i !== entry);
      socket.destroy();
    };
    // Nothing is expected while idle: data is a notice of disconnection (or garbage), so drop it.
    socket.on('data', drop);
    socket.on('close', drop);
    entry.unwatch = () => {
      socket.removeListener('data', drop);
      socket.removeListener('close', drop);
    };
    this.idle.push(entry);
  }
}
