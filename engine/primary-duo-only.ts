// duo_only_client (reference §4.6): primary authentication that always succeeds, for sections where
// Duo is the only factor or where the device already did the first factor.
import type { PrimaryAuth } from '../machines/contracts.ts';

export const IGNORING_PRIMARY = 'Ignoring primary credentials';

export function createDuoOnlyClient(): PrimaryAuth {
  return { authenticate: async () => ({ ok: true, message: IGNORING_PRIMARY, attributes: [] }) };
}
