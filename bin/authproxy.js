#!/usr/bin/env node
// The `authproxy` command. The sources are TypeScript run through tsx (no build step), so that
// `npx authproxy` works straight from a checkout or an npm install.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
