// Shapes of the generated dictionary files (written by scripts/gen-dictionary.ts; this one is not generated).

/** Value types of the FreeRADIUS dictionary format that our dictionaries use. */
export type ValueType =
  | 'string'
  | 'octets'
  | 'ipaddr'
  | 'ipv6addr'
  | 'ipv4prefix'
  | 'ipv6prefix'
  | 'ifid'
  | 'integer'
  | 'short'
  | 'byte'
  | 'integer64'
  | 'signed'
  | 'date'
  | 'ether'
  | 'vsa';

export interface AttributeDef {
  readonly name: string;
  /** The attribute number (the vendor type for a VSA). */
  readonly type: number;
  readonly valueType: ValueType;
  /** Fixed value size, e.g. `octets[50]`. */
  readonly size?: number;
  /** FreeRADIUS `encrypt=N`: 1 User-Password style, 2 Tunnel-Password style, 3 Ascend. */
  readonly encrypt?: 1 | 2 | 3;
  readonly hasTag?: true;
  readonly concat?: true;
  /** Named values of an integer attribute (VALUE lines). */
  readonly values?: Readonly<Record<string, number>>;
}

export interface DictionaryFile {
  /** Undefined for the standard (RFC) attribute space. */
  readonly vendor?: { readonly name: string; readonly id: number };
  readonly attributes: readonly AttributeDef[];
}
