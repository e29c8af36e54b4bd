// Which primary client serves a client section. duo_only_client is built in servers.ts; ad_client and
// radius_client come from their adapters.
import type { PrimaryFactory } from './servers.ts';

export const primaryFactory: PrimaryFactory = () => undefined;
