#!/usr/bin/env node
// The `kafkats` command: runs the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('kafkats is not built: run `npm run build` (npm ci/npm install do this through `prepare`).');
    process.exit(1);
  }
  throw err;
});
