// The connectivity checks of `authproxy connectivity` (and, later, `[main] test_connectivity_on_startup`).
export { formatReport, formatSummary, formatTable } from './format.ts';
export { DEFAULT_DUO_TIMEOUT_MS, DEFAULT_RADIUS_TIMEOUT_MS, runConnectivity } from './run.ts';
export type * from './types.ts';
