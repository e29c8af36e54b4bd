// The Duo API client's public surface.
export { createDuoClient } from './client.ts';
export { cleanLine, cleanPrompt } from './sanitize.ts';
export type { DuoCheck, DuoClient, DuoClientOptions, DuoDialect, DuoLogger, DuoPing } from './types.ts';
