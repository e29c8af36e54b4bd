// The bus that RADIUS listeners, engines and observers meet on (design.md "Contract: bus subjects").
// Two implementations share this interface and one contract test suite (test/contract/bus.ts): the
// in-process bus (the embedded default) and NATS (scale-out). Payloads are plain JSON values.

export interface Subscription {
  unsubscribe(): void;
}

export interface SubscribeOptions {
  /** Queue group: each message goes to ONE subscriber of the group (NATS semantics). */
  queue?: string;
}

export interface PublishOptions {
  /**
   * The publisher built this payload for this one message and never touches it (or anything in it)
   * again. A bus may then deliver it without a copy: the in-process bus freezes it instead of cloning
   * it per subscriber (memory.ts), so no side can change what another sees, as over the wire.
   */
  handOver?: boolean;
}

export interface Bus {
  /** Fire and forget. Subjects are dot-separated tokens. */
  publish(subject: string, payload: unknown, opts?: PublishOptions): void;
  /** Subject may use NATS wildcards: `*` one token, `>` the rest. The handler must not throw; a
   *  handler error is reported through onError and never reaches the publisher. */
  subscribe(subject: string, handler: (payload: unknown, subject: string) => void, opts?: SubscribeOptions): Subscription;
  /** Resolves once every published message has reached the transport (a no-op in process). */
  flush(): Promise<void>;
  /** Stops taking messages, lets queued ones finish, closes. */
  close(): Promise<void>;
  /** 'memory' or 'nats', for the startup log. */
  readonly kind: string;
  /** Whether a message on `subject` would reach anyone right now. Optional: a bus that cannot know
   *  (NATS: other processes may listen) leaves it out, which means yes. Lets a publisher skip building
   *  a message nobody receives. */
  hasSubscribers?(subject: string): boolean;
}
