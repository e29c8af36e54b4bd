// What goes into and comes out of the mock Duo's core (core.ts): plain data, no Fetch Request or
// Response objects, so the standalone server can call it without building any, and the msw handlers
// translate to and from it (msw-handlers.ts).

export interface CoreRequest {
  method: string;
  /** The path as sent (percent-encoding kept), without the query. */
  path: string;
  /** The raw query string without `?`; '' when there is none. */
  query: string;
  /** Names lower-cased; a repeated header's values joined with ', ' (as Fetch Headers does). `host`
   *  is the host the client addressed, port included. */
  headers: Readonly<Record<string, string>>;
  /** The body bytes ('' or empty for none). */
  body: Uint8Array | string;
  /** Aborts when the client goes away: a waiting push or a hung request then ends without an answer. */
  signal?: AbortSignal;
}

export type CoreResponse =
  | {
      kind: 'reply';
      status: number;
      /** Flat [name, value, name, value…], names lower-case, without Content-Length. */
      headers: readonly string[];
      body: string | Uint8Array;
    }
  /** Drop the connection with a TCP reset (fault `reset`, `outage`). */
  | { kind: 'reset' }
  /** Nothing to send: the client went away first (a hung request, an abandoned wait). */
  | { kind: 'gone' };
