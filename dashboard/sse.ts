// Server-Sent Events to the dashboard pages. A page that cannot keep up (slow browser, slow link)
// never holds anything up: once its socket buffer is full, updates for it are dropped (counted) until
// the socket drains, and then it gets one `resync` event telling it to fetch the lists again. Logins
// never wait for this: the bus handler only updates memory, and broadcasts run from a timer.
import type { ServerResponse } from 'node:http';

interface Client {
  res: ServerResponse;
  behind: boolean;
  missed: boolean;
}

export class SseHub {
  private readonly clients = new Set<Client>();
  /** Updates not sent to some page because it was behind. */
  dropped = 0;
  sent = 0;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = 15_000) {
    // A comment line now and then keeps proxies and browsers from closing an idle stream.
    this.heartbeat = setInterval(() => this.broadcastRaw(': keep-alive\n\n', false), heartbeatMs);
    this.heartbeat.unref();
  }

  /** Takes over `res` as an event stream until the client goes away. */
  attach(res: ServerResponse, first: { event: string; data: unknown }[]): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const client: Client = { res, behind: false, missed: false };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    res.on('drain', () => {
      client.behind = false;
      if (client.missed) {
        client.missed = false;
        this.write(client, frame('resync', {}));
      }
    });
    for (const f of first) this.write(client, frame(f.event, f.data));
  }

  /** Sends one event to every page that keeps up. The JSON is built once. */
  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    this.broadcastRaw(frame(event, data), true);
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  private broadcastRaw(text: string, counts: boolean): void {
    for (const c of this.clients) {
      if (c.behind) {
        c.missed = true;
        if (counts) this.dropped++;
        continue;
      }
      this.write(c, text);
      if (counts) this.sent++;
    }
  }

  private write(c: Client, text: string): void {
    if (!c.res.write(text)) c.behind = true;
  }
}

/** One SSE frame; JSON has no raw newlines, so one data line. */
export function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
