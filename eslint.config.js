// ESLint (flat config) with typescript-eslint's recommended rules, syntax-only (no type information,
// so it stays fast); `tsc --noEmit` does the type checking. ESLint replaced biome because biome's
// per-platform binaries are not all on the package registry this project installs from, which made
// `npm ci` refuse the lock file.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.bench-baseline/**', 'docs/**', 'coverage/**', '.tmp/**', 'adapters/radius/dictionary/rfc.ts', 'dashboard/public/app.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', queueMicrotask: 'readonly', performance: 'readonly', structuredClone: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly', Headers: 'readonly', Request: 'readonly', Response: 'readonly', NodeJS: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-control-regex': 'off',
      'no-regex-spaces': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  // The page's code runs in a browser: tsc -p dashboard/client checks its globals (DOM lib).
  { files: ['dashboard/client/**/*.ts'], rules: { 'no-undef': 'off' } },
);
