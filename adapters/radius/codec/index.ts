// The pure RADIUS codec: no sockets, no clocks. See style.md item 1.
export * from './crypto.ts';
export * from './decode.ts';
export * from './encode.ts';
export * from './password.ts';
export * from './types.ts';
