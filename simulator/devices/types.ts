// What a simulated VPN device is, as data: what it puts in an Access-Request, how it retransmits and
// gives up, and what its user would see. One file per device beside this one; each cites its sources
// and lists the values that are guesses (no public capture or vendor document gives them).

/** A request attribute: a dictionary name and a value, where `{client_ip}`, `{nas_ip}`, `{user}` and
 *  `{session}` are filled in per login. */
export type ProfileAttribute = readonly [name: string, value: string | number];

/** What the device shows its user, by how the login ended. `{reply}` is the Reply-Message as shown
 *  (cut to `displayBytes`). */
export interface DeviceDisplays {
  readonly accept: string;
  readonly reject: string;
  /** The device got no answer before its own timeout. */
  readonly noAnswer: string;
  /** The answer came, but after the VPN client had already given up (clientTimeoutS). */
  readonly late?: string;
  /** An Access-Challenge the device cannot show (challenge.shows false). */
  readonly challengeNotShown?: string;
}

export interface DeviceProfile {
  /** The name scenarios use. */
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly label: string;
  /** Seeds (shared/reference/seeds/NNN) and vendor documents the values come from. */
  readonly sources: readonly string[];
  /** Fields whose values are guesses. */
  readonly guesses: readonly string[];
  /** Loopback address it sends from unless the scenario says otherwise (one per profile, so that
   *  several devices in one scenario are several RADIUS clients). */
  readonly sourceIp: string;
  /** NAS-IP-Address it claims unless the scenario says otherwise. */
  readonly nasIp: string;
  /** Sent in every Access-Request after User-Name and User-Password, in this order. */
  readonly attributes: readonly ProfileAttribute[];
  readonly messageAuthenticator: boolean;
  /** Resend a request unanswered for this long, at most `count` times. */
  readonly retransmit: { readonly intervalS: number; readonly count: number };
  /** The device gives up on a request after this long (all its retransmissions included). */
  readonly timeoutS: number;
  /** The VPN client's own limit on a login round, if shorter (AnyConnect's 12 s, seed 002). */
  readonly clientTimeoutS?: number;
  readonly challenge: {
    /** Whether the device shows an Access-Challenge's Reply-Message and takes an answer. */
    readonly shows: boolean;
    /** How much of the Reply-Message it displays, in bytes (undefined: all). */
    readonly displayBytes?: number;
    /** Whether it sends the State back with the answer (RFC 2865 §5.24). */
    readonly echoesState: boolean;
  };
  /** How it encodes the typed password into User-Password. */
  readonly passwordEncoding: 'utf-8' | 'latin1';
  readonly displays: DeviceDisplays;
}
