#!/usr/bin/env node
// The `kafkats` command: runs the compiled CLI (built by `npm run build`, which `npm ci` runs via `prepare`).
// A broker caps its young generation before anything is loaded (see lib/server/heap-tuning.ts).
async function main() {
  if (process.argv[2] === 'server-start') (await import('../dist/server/heap-tuning.js')).capYoungGeneration();
  await import('../dist/cli/main.js');
}
main().catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && /dist\/(cli\/main|server\/heap-tuning)\.js/.test(String(err.message))) {
    console.error('kafkats is not built: run `npm run build` (npm ci/npm install do this through `prepare`).');
    process.exit(1);
  }
  throw err;
});
