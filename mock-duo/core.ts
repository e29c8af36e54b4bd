// The mock Duo's one source of behaviour: `handle(request) → answer` over plain data (exchange.ts).
// The standalone server calls it directly; the msw handlers are thin wrappers over it. Routes Duo's
// proxy API and the Auth API v2 to their endpoints, and /_mock/ to the control API.
import { authV2Routes } from './api/auth-v2.ts';
import { handleControl } from './api/control.ts';
import { restV1Routes } from './api/rest-v1.ts';
import type { MockControl } from './control.ts';
import type { CoreRequest, CoreResponse } from './exchange.ts';
import { dispatch, type MockContext } from './pipeline.ts';
import { Fails, toCoreResponse } from './respond.ts';

export type Handle = (req: CoreRequest) => Promise<CoreResponse>;

// `…/rest/v1/<endpoint>` and `…/auth/v2/<endpoint>`, as the msw patterns (`*` then `/rest/v1/:endpoint`)
// match them: any prefix, case-insensitive, an optional trailing slash.
const API_PATH = /\/(rest\/v1|auth\/v2)\/[^/]+\/?$/i;
const CONTROL = '/_mock/';

export function createCore(ctx: MockContext, control: MockControl): Handle {
  return async (req) => {
    const api = API_PATH.exec(req.path);
    if (api) return api[1]!.toLowerCase() === 'rest/v1' ? dispatch(ctx, 'rest_v1', restV1Routes, req) : dispatch(ctx, 'auth_v2', authV2Routes, req);
    // Case-insensitive, as msw's `*/_mock/*` pattern matched.
    const at = req.path.toLowerCase().indexOf(CONTROL);
    if (at >= 0) return handleControl(ctx, control, req, req.path.slice(at + CONTROL.length));
    // Not a path Duo serves (never journaled).
    return toCoreResponse(Fails.notFound());
  };
}
